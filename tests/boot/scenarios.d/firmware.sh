# Boots through the firmware and a real boot loader (no -kernel): SeaBIOS and OVMF load GRUB, isolinux or
# syslinux from the media qemu/media.d/firmware.sh makes with qemu/mkiso.sh and qemu/mkusb.sh. Each boot
# checks that the loader ran its menu and booted the expected entry after the timeout with no key pressed,
# that the entry's parameters are on the kernel command line, that the agent took them (archiso dialect,
# the medium found by archisolabel=LIVEINIT) and that the root was reached. The non-default entries are
# chosen by building the medium with another default (mkiso.sh --default), as no keyboard is attached.
# Firmware boots under TCG are slow (OVMF ~30-40 s): FIRMWARE_BOOT_TIMEOUT (default 240 s).

FW_TMO=${FIRMWARE_BOOT_TIMEOUT:-240}
FW_CMDLINE='Command line: BOOT_IMAGE=/sysresccd/boot/x86_64/vmlinuz archisobasedir=sysresccd archisolabel=LIVEINIT'
FW_CONSOLE='console=tty0 console=ttyS0,115200'

fw_media() {  # file: the medium must have been built (a missing one is a failure, not a skip)
  [ -s "$MEDIA/$1" ] && return 0
  echo "FAIL firmware/media: $MEDIA/$1 missing (qemu/media.d/firmware.sh needs VMLINUZ and INITRD)"; return 1
}
fw_cd() { echo "-drive file=$1,format=raw,if=ide,media=cdrom,readonly=on"; }
fw_usb() {  # a USB stick on an xHCI controller, booted first
  echo "-device qemu-xhci,id=xhci -drive if=none,id=stick,format=raw,cache=unsafe,file=$1"
  echo "-device usb-storage,bus=xhci.0,drive=stick,bootindex=0"
}
# fw_boot name bios|uefi qemu-args...: boots into $OUT/name.log and writes $OUT/name.txt, the console without
# escape sequences, which the checks read: the firmware's serial console (SeaBIOS's sercon, OVMF) mirrors the
# screen and puts cursor moves anywhere, even inside a word ("GR<ESC>[04;14HUB!")
fw_boot() {
  local name=$1 mode=$2; shift 2
  FIRMWARE_BOOT=$mode "$BOOT" "$OUT/$name.log" "$FW_TMO" "" "$@"
  tr -d '\r' <"$OUT/$name.log" | sed -E 's/\x1b\[[0-9;?=]*[A-Za-z]//g; s/\x1b[()%][0-9A-Za-z@]//g; s/\x1bc//g' \
    >"$OUT/$name.txt"
}
fw_agent() {  # name log medium-pattern: the agent took the menu's parameters and reached the root
  expect "$1" "$2" 'liveinit: LiveInit .*: archiso \(SystemRescue\) boot' "boot medium: $3" 'LIVEINIT-ROOT-REACHED'
}

s_firmware_bios_cd_grub() {
  fw_media fw.iso || return; local l=$OUT/fw-bios-cd-grub.txt
  fw_boot fw-bios-cd-grub bios $(fw_cd "$MEDIA/fw.iso")
  expect firmware/bios-cd-grub-default-entry-after-timeout "$l" 'Booting from DVD/CD' 'GNU GRUB +version 2' \
    'executed automatically in [12]s' "Booting \`Boot LiveInit using default options'" "$FW_CMDLINE $FW_CONSOLE\$"
  fw_agent firmware/bios-cd-grub-parameters-reach-the-agent "$l" '/dev/sr0: iso9660 LABEL="LIVEINIT"'
  refuse firmware/bios-cd-grub-no-kernel-given-by-qemu "$l" 'emergency shell started' 'panic=-1'
}

s_firmware_bios_usb_grub_persistence() {
  fw_media fw-cow.iso && fw_media fw-persist.img || return
  local l=$OUT/fw-bios-usb-grub.txt u p before; u=$(disk fwusb fw-cow.iso); p=$(disk fwusb fw-persist.img)
  before=$(md5_of "$u")
  fw_boot fw-bios-usb-grub bios $(fw_usb "$u") $(virtio "$p")
  expect firmware/bios-usb-grub-hybrid-mbr-persistence-entry "$l" 'Booting from Hard Disk' 'GNU GRUB +version 2' \
    'executed automatically in [12]s' \
    "Booting \`Boot LiveInit with persistence \(cow_label\)'" \
    "$FW_CMDLINE \"cow_label=my persist\" $FW_CONSOLE\$"
  fw_agent firmware/bios-usb-grub-cow-label-reaches-the-agent "$l" '/dev/sda1: iso9660 LABEL="LIVEINIT"'
  expect firmware/bios-usb-grub-persistent-layer "$l" \
      'writable layer: /run/archiso/cowspace/persistent_LIVEINIT/x86_64/upperdir on /dev/vda \(persistent\)' \
      'PERSIST-NONE'
  same_bytes firmware/bios-usb-grub-iso-untouched "$u" "$before"
}

s_firmware_bios_cd_isolinux() {
  fw_media fw-isolinux.iso || return; local l=$OUT/fw-bios-cd-isolinux.txt
  fw_boot fw-bios-cd-isolinux bios $(fw_cd "$MEDIA/fw-isolinux.iso")
  expect firmware/bios-cd-isolinux-copytoram-entry-after-timeout "$l" 'ISOLINUX 6' 'Automatic boot in [12]' \
    "$FW_CMDLINE copytoram $FW_CONSOLE initrd=/sysresccd/boot/x86_64/sysresccd.img\$"
  fw_agent firmware/bios-cd-isolinux-copytoram-reaches-the-agent "$l" '/dev/sr0: iso9660 LABEL="LIVEINIT"'
  expect firmware/bios-cd-isolinux-image-in-ram "$l" \
      'copying /run/archiso/bootmnt/sysresccd/x86_64/airootfs.sfs .* to RAM' \
      'image /run/liveinit/copytoram/airootfs.sfs mounted'
}

s_firmware_bios_usb_syslinux() {
  fw_media fw-usb.img || return
  local l=$OUT/fw-bios-usb-syslinux.txt u before; u=$(disk fwsys fw-usb.img); before=$(md5_of "$u")
  fw_boot fw-bios-usb-syslinux bios $(fw_usb "$u")
  expect firmware/bios-usb-syslinux-modules-entry-after-timeout "$l" 'SYSLINUX 6' 'Automatic boot in [12]' \
    "$FW_CMDLINE loadsrm $FW_CONSOLE initrd=/sysresccd/boot/x86_64/sysresccd.img\$"
  fw_agent firmware/bios-usb-syslinux-loadsrm-reaches-the-agent "$l" '/dev/sda1: vfat LABEL="LIVEINIT"'
  expect firmware/bios-usb-syslinux-srm-mounted "$l" 'SRM test.srm mounted' 'SRM-PRESENT from-test-srm'
  same_bytes firmware/bios-usb-syslinux-stick-untouched "$u" "$before"
}

s_firmware_uefi_cd_grub() {
  fw_media fw.iso || return; local l=$OUT/fw-uefi-cd-grub.txt
  fw_boot fw-uefi-cd-grub uefi $(fw_cd "$MEDIA/fw.iso")
  expect firmware/uefi-cd-grub-default-entry-after-timeout "$l" 'BdsDxe: starting Boot[0-9A-F]+ "UEFI QEMU DVD-ROM' \
    'GNU GRUB +version 2' 'executed automatically in [12]s' "Booting \`Boot LiveInit using default options'" \
    "$FW_CMDLINE $FW_CONSOLE\$" \
    'efi: EFI v[0-9.]+ by EDK II'
  fw_agent firmware/uefi-cd-grub-parameters-reach-the-agent "$l" '/dev/sr0: iso9660 LABEL="LIVEINIT"'
}

s_firmware_uefi_usb_grub() {
  fw_media fw.iso || return
  local l=$OUT/fw-uefi-usb-grub.txt u before; u=$(disk fwuefi fw.iso); before=$(md5_of "$u")
  fw_boot fw-uefi-usb-grub uefi $(fw_usb "$u")
  expect firmware/uefi-usb-grub-esp-partition-default-entry "$l" \
    'BdsDxe: starting Boot[0-9A-F]+ "UEFI QEMU QEMU USB HARDDRIVE' \
    'GNU GRUB +version 2' 'executed automatically in [12]s' "Booting \`Boot LiveInit using default options'" \
    "$FW_CMDLINE $FW_CONSOLE\$" \
    'efi: EFI v[0-9.]+ by EDK II'
  fw_agent firmware/uefi-usb-grub-parameters-reach-the-agent "$l" '/dev/sda1: iso9660 LABEL="LIVEINIT"'
  same_bytes firmware/uefi-usb-grub-stick-untouched "$u" "$before"
}
