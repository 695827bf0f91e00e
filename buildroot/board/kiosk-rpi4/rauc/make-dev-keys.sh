#!/usr/bin/env bash
# Makes the development PKI for RAUC bundles: a CA (the keyring the image trusts) and a signing key issued by it.
# These keys are public: any bundle signed with them installs on an image built with them. A district builds
# its images with its own keys (buildroot/README.md: "Signing keys"); this script is kept so that the
# development set can be remade the same way (100 years, RSA 4096 / 3072). The signer carries no extended key
# usage: RAUC checks the S/MIME signing purpose by default, which a codeSigning-only certificate fails.
set -euo pipefail
cd "$(dirname "$0")"
cat > dev-ca.cnf <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
O = Kiosk firmware (development only)
CN = kiosk development CA
[v3_ca]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_signer]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
openssl req -x509 -newkey rsa:4096 -nodes -days 36500 -config dev-ca.cnf -extensions v3_ca \
  -keyout dev-ca.key.pem -out dev-ca.cert.pem
openssl req -new -newkey rsa:3072 -nodes -config dev-ca.cnf -subj "/O=Kiosk firmware (development only)/CN=kiosk development signer" \
  -keyout dev-signer.key.pem -out dev-signer.csr.pem
openssl x509 -req -in dev-signer.csr.pem -CA dev-ca.cert.pem -CAkey dev-ca.key.pem -CAcreateserial -days 36500 \
  -extfile dev-ca.cnf -extensions v3_signer -out dev-signer.cert.pem
# The CA key is not kept: remake the whole development set rather than issue more signers from it.
rm -f dev-signer.csr.pem dev-ca.cert.srl dev-ca.cnf dev-ca.key.pem
