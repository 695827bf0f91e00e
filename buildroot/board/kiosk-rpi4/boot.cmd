# Slot selection for RAUC (bootloader=uboot): try the slots in BOOT_ORDER; each boot of a slot costs one of its
# tries (BOOT_A_LEFT, BOOT_B_LEFT). The firmware marks its slot good after its self-test, which RAUC turns into
# three fresh tries; a new slot that never gets there (the firmware crashes, hangs and the watchdog resets the
# board, or systemd reboots it after five failed starts) runs out of tries and the other slot boots again.
test -n "${BOOT_ORDER}" || setenv BOOT_ORDER "A B"
test -n "${BOOT_A_LEFT}" || setenv BOOT_A_LEFT 3
test -n "${BOOT_B_LEFT}" || setenv BOOT_B_LEFT 3

setenv bootpart
setenv raucslot
for BOOT_SLOT in "${BOOT_ORDER}"; do
  if test "x${bootpart}" != "x"; then
    # a slot was chosen
  elif test "x${BOOT_SLOT}" = "xA"; then
    if test ${BOOT_A_LEFT} -gt 0; then
      setexpr BOOT_A_LEFT ${BOOT_A_LEFT} - 1
      echo "slot A, ${BOOT_A_LEFT} tries left"
      setenv bootpart 2
      setenv raucslot A
    fi
  elif test "x${BOOT_SLOT}" = "xB"; then
    if test ${BOOT_B_LEFT} -gt 0; then
      setexpr BOOT_B_LEFT ${BOOT_B_LEFT} - 1
      echo "slot B, ${BOOT_B_LEFT} tries left"
      setenv bootpart 3
      setenv raucslot B
    fi
  fi
done

if test -n "${bootpart}"; then
  saveenv
else
  # Both slots ran out of tries: give both another round rather than stop with a dark screen.
  echo "no slot has tries left; resetting the tries"
  setenv BOOT_A_LEFT 3
  setenv BOOT_B_LEFT 3
  saveenv
  reset
fi

# The kernel console goes to the serial header only: nothing is written over the terminal's screen.
setenv bootargs "console=serial0,115200 console=tty3 root=/dev/mmcblk0p${bootpart} rootfstype=ext4 ro rootwait quiet loglevel=3 vt.global_cursor_default=0 logo.nologo rauc.slot=${raucslot}"
load mmc 0:${bootpart} ${kernel_addr_r} /boot/Image
booti ${kernel_addr_r} - ${fdt_addr}
