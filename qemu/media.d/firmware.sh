# Boot media booted by the firmware through a real boot loader (tests/boot/scenarios.d/firmware.sh): the
# kernel, the agent's initramfs, the test root and test.srm in SystemRescue's layout, label LIVEINIT.
#   fw.iso            hybrid ISO, GRUB for BIOS (CD and MBR) and UEFI, isolinux as second El Torito entry;
#                     default entry "default"
#   fw-cow.iso        the same with GRUB's default entry "persistence" (cow_label="my persist")
#   fw-isolinux.iso   isolinux for BIOS (CD and MBR), default entry "copytoram"
#   fw-usb.img        syslinux USB stick (mbr.bin, FAT16 LIVEINIT), default entry "modules" (loadsrm)
#   fw-persist.img    whole-disk ext4 "my persist" (the persistence disk)
# Needs VMLINUZ and INITRD (exported by tests/run-all.sh); without them these media are not made (the
# scenarios then fail, naming the missing file).
if [ -n "${VMLINUZ:-}" ] && [ -n "${INITRD:-}" ] && [ -f "$INITRD" ]; then
  fw=(--kernel "$VMLINUZ" --initrd "$INITRD" --rootfs "$W/airootfs.sfs" --srm "$W/test.srm" --label LIVEINIT
      --cow-label "my persist")
  bash "$HERE/mkiso.sh" "${fw[@]}" --output "$OUT/fw.iso" --bios grub --default default >/dev/null
  bash "$HERE/mkiso.sh" "${fw[@]}" --output "$OUT/fw-cow.iso" --bios grub --default persistence >/dev/null
  bash "$HERE/mkiso.sh" "${fw[@]}" --output "$OUT/fw-isolinux.iso" --bios isolinux --default copytoram >/dev/null
  bash "$HERE/mkusb.sh" "${fw[@]}" --output "$OUT/fw-usb.img" --default modules >/dev/null
  rm -f "$OUT/fw-persist.img"; mkfs.ext4 -q -F -L "my persist" "$OUT/fw-persist.img" 16M >/dev/null
fi
