#!/usr/bin/env bash
# Runs after the root file system image is made ($1: the images directory, BINARIES_DIR):
# 1. the SD card image (sdcard.img: boot, rootfs A, rootfs B, data) from genimage.cfg.in;
# 2. the signed RAUC bundle of this root file system (make-bundle.sh), for updating terminals in the field.
set -euo pipefail
images="$1"
board="$(cd "$(dirname "$0")" && pwd)"
export PATH="${HOST_DIR:+$HOST_DIR/bin:$HOST_DIR/sbin:}$PATH"

# The boot partition: the Raspberry Pi firmware's files, the device trees, U-Boot and its script.
files=()
for f in "$images"/*.dtb "$images"/rpi-firmware/*; do
  [ -e "$f" ] && files+=("${f#"$images"/}")
done
files+=(u-boot.bin boot.scr)
boot_files=$(printf '\t\t\t"%s",\n' "${files[@]}")
cfg="$images/genimage.cfg"
awk -v files="$boot_files" '{ if ($0 ~ /#BOOT_FILES#/) print files; else print }' "$board/genimage.cfg.in" > "$cfg"

tmp="${BUILD_DIR:-$images}/genimage.tmp"
root=$(mktemp -d)
trap 'rm -rf "$root" "$tmp"' EXIT
rm -rf "$tmp"
genimage --rootpath "$root" --tmppath "$tmp" --inputpath "$images" --outputpath "$images" --config "$cfg"

version="${KIOSK_IMAGE_VERSION:-$(sed -n 's/^version = "\(.*\)"/\1/p' "$board/../../../Cargo.toml" | head -n 1)+$(date -u +%Y%m%d%H%M)}"
"$board/make-bundle.sh" "$images/rootfs.ext4" "$version" "$images/kiosk-rpi4-$version.raucb"
