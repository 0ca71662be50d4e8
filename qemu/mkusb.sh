#!/usr/bin/env bash
# A USB stick image as a user makes one by copying the live files onto a FAT stick (Rufus, or by hand):
# an MBR from syslinux's mbr.bin, one active FAT partition labelled like the ISO (so archisolabel= holds),
# syslinux installed on it by Debian's `syslinux` (mtools: no root, no loop device). The same files and
# menu as mkiso.sh's ISO: sysresccd/..., syslinux/syslinux.cfg, and GRUB's EFI/BOOT/BOOTX64.EFI with
# boot/grub/grub.cfg (a UEFI firmware boots the FAT partition through GRUB).
#   mkusb.sh --output usb.img --kernel vmlinuz --initrd initrd.img --rootfs airootfs.sfs [--srm F]... [options]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/bootmedia.sh"
bm_parse "$@"
for t in syslinux:syslinux grub-mkimage:grub-common mkfs.vfat:dosfstools mcopy:mtools sfdisk:fdisk; do
  command -v "${t%%:*}" >/dev/null || [ -x "/sbin/${t%%:*}" ] \
    || { echo "mkusb.sh: ${t%%:*} missing (apt-get install ${t#*:}, or bash tests/setup.sh)" >&2; exit 1; }
done
MBR=/usr/lib/syslinux/mbr/mbr.bin
for f in "$MBR" "$SYSLINUX_MODULES/menu.c32" /usr/lib/grub/x86_64-efi/linux.mod; do
  [ -f "$f" ] || { echo "mkusb.sh: $f missing (apt-get install syslinux-common grub-efi-amd64-bin," \
                        "or bash tests/setup.sh)" >&2; exit 1; }
done

W=$(mktemp -d /tmp/liveinit-mkusb.XXXXXX); trap 'rm -rf "$W"' EXIT
T=$W/usb
bm_tree "$T"
mkdir -p "$T/syslinux" "$T/boot/grub" "$T/EFI/BOOT"
bm_syslinux_cfg "$T/syslinux/syslinux.cfg"
bm_syslinux_modules "$T/syslinux"; rm -f "$T/syslinux/ldlinux.c32"   # `syslinux --install` writes its own
bm_grub_cfg "$T/boot/grub/grub.cfg"
bm_grub_early_cfg "$W/early.cfg"
bm_grub_efi "$W/early.cfg" "$T/EFI/BOOT/BOOTX64.EFI"

# FAT16 partition from 1 MiB: the files plus 8 MiB
mib=$(( $(du -sm "$T" | cut -f1) + 8 ))
rm -f "$OUTPUT"; truncate -s $((mib + 1))M "$OUTPUT"
printf 'label: dos\n1MiB,,e,*\n' | sfdisk -q "$OUTPUT" >/dev/null
mkfs.vfat -F 16 -n "$LABEL" --offset 2048 -h 2048 "$OUTPUT" $((mib * 1024)) >/dev/null
mcopy -s -i "$OUTPUT@@1M" "$T"/* ::/
syslinux --offset $((1024 * 1024)) --directory /syslinux --install "$OUTPUT"
dd if="$MBR" of="$OUTPUT" bs=440 count=1 conv=notrunc status=none
echo "$OUTPUT: $(( $(stat -c %s "$OUTPUT") / 1024 )) KiB, FAT label $LABEL, syslinux, default entry $DEFAULT"
