#!/usr/bin/env bash
# Runs on the target tree before the root file system image is made ($1: the target directory).
# - RAUC's keyring: the CA that signs this district's bundles (KIOSK_RAUC_KEYRING), or the development CA;
# - /etc/fstab: the data partition at /var/lib/kiosk, the boot partition at /boot/firmware (U-Boot's
#   environment, which RAUC writes through fw_setenv); Buildroot's own lines (read-only root, /var on tmpfs) stay;
# - the mount points the read-only root needs.
set -euo pipefail
target="$1"
board="$(dirname "$0")"

keyring="${KIOSK_RAUC_KEYRING:-$board/rauc/dev-ca.cert.pem}"
if [ "$keyring" = "$board/rauc/dev-ca.cert.pem" ]; then
  echo "post-build: WARNING: the image trusts the development RAUC key; set KIOSK_RAUC_KEYRING for a district's image" >&2
fi
install -D -m 0644 "$keyring" "$target/etc/rauc/keyring.pem"

add_fstab() {
  grep -qF "$1" "$target/etc/fstab" 2>/dev/null || echo "$1" >> "$target/etc/fstab"
}
add_fstab "/dev/mmcblk0p4 /var/lib/kiosk ext4 defaults,noatime,nodev,nosuid,noexec 0 2"
add_fstab "/dev/mmcblk0p1 /boot/firmware vfat defaults,noatime,nodev,nosuid,noexec,umask=0077 0 2"

mkdir -p "$target/boot/firmware" "$target/media/usb"
