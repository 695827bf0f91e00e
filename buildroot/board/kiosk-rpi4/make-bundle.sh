#!/usr/bin/env bash
# The signed RAUC bundle of a root file system image, for terminals in the field:
#   make-bundle.sh ROOTFS.ext4 VERSION OUT.raucb
# Signed with KIOSK_RAUC_CERT / KIOSK_RAUC_KEY (a district's signing key, issued by the CA its images trust),
# or the development key. The compatible is the one the image's /etc/rauc/system.conf names, so a bundle can
# only go to the terminals it was built for. KIOSK_RAUC_FORMAT: verity (the default; the terminal's kernel has
# dm-verity) or plain.
set -euo pipefail
rootfs="$1"
version="$2"
out="$3"
board="$(cd "$(dirname "$0")" && pwd)"
cert="${KIOSK_RAUC_CERT:-$board/rauc/dev-signer.cert.pem}"
key="${KIOSK_RAUC_KEY:-$board/rauc/dev-signer.key.pem}"
keyring="${KIOSK_RAUC_KEYRING:-$board/rauc/dev-ca.cert.pem}"
format="${KIOSK_RAUC_FORMAT:-verity}"
compatible=$(sed -n 's/^compatible=//p' "$board/rootfs-overlay/etc/rauc/system.conf")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$rootfs" "$work/rootfs.ext4"
cat > "$work/manifest.raucm" <<MANIFEST
[update]
compatible=$compatible
version=$version
description=Government self-service terminal firmware and system

[bundle]
format=$format

[image.rootfs]
filename=rootfs.ext4
MANIFEST
rm -f "$out"
rauc bundle --cert="$cert" --key="$key" --keyring="$keyring" "$work" "$out"
