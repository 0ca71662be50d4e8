#!/usr/bin/env bash
# A hybrid ISO the way distributions ship them (archiso/SystemRescue, Ubuntu), made by Debian's tools
# (grub-mkimage, isolinux, xorriso, mtools): boots as a CD and as a USB disk, with BIOS and with UEFI.
#   BIOS, CD        the first El Torito entry: GRUB (i386-pc-eltorito) or isolinux (--bios)
#   BIOS, disk      the MBR loads the same loader: GRUB's boot_hybrid.img or isolinux's isohdpfx.bin
#   UEFI, CD        El Torito EFI entry: the ESP image (FAT) with EFI/BOOT/BOOTX64.EFI (GRUB)
#   UEFI, disk      the same ESP image appended as GPT partition 2
# The other BIOS loader is a second El Torito entry (firmwares with a boot menu offer it). Partition 1
# starts at 32 KiB (-partition_offset 16) and holds its own copy of the ISO superblock, as archiso's do.
# Files: sysresccd/boot/x86_64/{vmlinuz,sysresccd.img}, sysresccd/x86_64/airootfs.sfs, sysresccd/*.srm,
# boot/grub/grub.cfg, isolinux/isolinux.cfg, EFI/BOOT/BOOTX64.EFI. Menu entries: see bootmedia.sh.
# Example:
#   mkiso.sh --output live.iso --kernel vmlinuz --initrd initrd.img --rootfs airootfs.sfs --srm test.srm \
#            --label LIVEINIT --cow-label "my persist" --default default
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/bootmedia.sh"
BIOS=grub
BM_EXTRA_USAGE="  --bios grub|isolinux  the BIOS loader of the CD boot and of the MBR (default: grub)"
bm_extra_option() { case "$1" in --bios) BIOS=$2 ;; *) return 1 ;; esac; }
bm_parse "$@"
case "$BIOS" in grub|isolinux) ;; *) echo "mkiso.sh: --bios $BIOS: grub or isolinux" >&2; exit 2 ;; esac
for t in xorriso:xorriso grub-mkimage:grub-common mkfs.vfat:dosfstools mcopy:mtools; do
  command -v "${t%%:*}" >/dev/null || [ -x "/sbin/${t%%:*}" ] \
    || { echo "mkiso.sh: ${t%%:*} missing (apt-get install ${t#*:}, or bash tests/setup.sh)" >&2; exit 1; }
done
for f in /usr/lib/grub/i386-pc/boot_hybrid.img /usr/lib/grub/x86_64-efi/linux.mod /usr/lib/ISOLINUX/isolinux.bin \
         /usr/lib/ISOLINUX/isohdpfx.bin "$SYSLINUX_MODULES/ldlinux.c32"; do
  [ -f "$f" ] || { echo "mkiso.sh: $f missing (apt-get install grub-pc-bin grub-efi-amd64-bin isolinux" \
                        "syslinux-common, or bash tests/setup.sh)" >&2; exit 1; }
done

W=$(mktemp -d /tmp/liveinit-mkiso.XXXXXX); trap 'rm -rf "$W"' EXIT
T=$W/iso
bm_tree "$T"
mkdir -p "$T/boot/grub/i386-pc" "$T/isolinux" "$T/EFI/BOOT"
bm_grub_cfg "$T/boot/grub/grub.cfg"
bm_syslinux_cfg "$T/isolinux/isolinux.cfg"
cp /usr/lib/ISOLINUX/isolinux.bin "$T/isolinux/"; bm_syslinux_modules "$T/isolinux"
bm_grub_early_cfg "$W/early.cfg"
bm_grub_bios_eltorito "$W/early.cfg" "$T/boot/grub/i386-pc/eltorito.img"
bm_grub_efi "$W/early.cfg" "$T/EFI/BOOT/BOOTX64.EFI"
bm_efi_image "$T/EFI/BOOT/BOOTX64.EFI" "$W/efiboot.img"

grub_bios=(-b boot/grub/i386-pc/eltorito.img -no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info)
isolinux_bios=(-b isolinux/isolinux.bin -no-emul-boot -boot-load-size 4 -boot-info-table)
if [ "$BIOS" = grub ]; then
  mbr=(--grub2-mbr /usr/lib/grub/i386-pc/boot_hybrid.img); first=("${grub_bios[@]}"); second=("${isolinux_bios[@]}")
else
  mbr=(-isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin); first=("${isolinux_bios[@]}"); second=("${grub_bios[@]}")
fi
rm -f "$OUTPUT"
chatter='^$|^xorriso [0-9.]+ : RockRidge|^xorriso : (UPDATE|NOTE)|^(Drive|Media) (current|status)|^Written to medium'
xorriso -as mkisofs -quiet -iso-level 3 -full-iso9660-filenames -joliet -joliet-long -rational-rock \
  -volid "$LABEL" -appid "LiveInit live medium" -publisher "LiveInit" \
  "${mbr[@]}" --mbr-force-bootable -partition_offset 16 \
  -append_partition 2 C12A7328-F81F-11D2-BA4B-00A0C93EC93B "$W/efiboot.img" -appended_part_as_gpt \
  -eltorito-catalog boot.catalog "${first[@]}" \
  -eltorito-alt-boot "${second[@]}" \
  -eltorito-alt-boot -e --interval:appended_partition_2:all:: -no-emul-boot \
  -output "$OUTPUT" "$T" 2>&1 | { grep -v -E "$chatter" || true; }
[ -s "$OUTPUT" ] || { echo "mkiso.sh: xorriso made no $OUTPUT" >&2; exit 1; }
echo "$OUTPUT: $(( $(stat -c %s "$OUTPUT") / 1024 )) KiB, label $LABEL, BIOS loader $BIOS, default entry $DEFAULT"
