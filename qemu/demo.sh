#!/usr/bin/env bash
# The demo: a hybrid ISO as distributions ship them (qemu/mkiso.sh: GRUB for BIOS and UEFI, isolinux),
# label RESCUE, SystemRescue's layout (sysresccd/x86_64/airootfs.sfs + an SRM), booted twice in QEMU by
# SeaBIOS from the CD drive through GRUB's menu, with an ext4 disk labelled "my persist" attached. The menu's
# default is its "persistence" entry (cow_label="my persist"); the second boot finds the file the first boot
# wrote. Installs what it needs with apt-get when missing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd); cd "$ROOT"
need=""
for t in qemu-system-x86_64:qemu-system-x86 busybox:busybox-static mksquashfs:squashfs-tools mkfs.vfat:dosfstools \
         mcopy:mtools mkfs.ext4:e2fsprogs sfdisk:fdisk python3:python3 xorriso:xorriso grub-mkimage:grub-common; do
  command -v "${t%%:*}" >/dev/null || [ -x "/sbin/${t%%:*}" ] || need="$need ${t#*:}"
done
for f in /usr/lib/grub/i386-pc/boot_hybrid.img:grub-pc-bin /usr/lib/grub/x86_64-efi/linux.mod:grub-efi-amd64-bin \
         /usr/lib/ISOLINUX/isolinux.bin:isolinux /usr/lib/syslinux/modules/bios/menu.c32:syslinux-common; do
  [ -f "${f%%:*}" ] || need="$need ${f#*:}"
done
[ -z "$need" ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null; }
OUT=$ROOT/artifacts/demo; mkdir -p "$OUT"
eval "$(qemu/kernel.sh)"
artifacts/liveinit mkinitramfs --modules-root "$MODULES" --output "$OUT/initrd.img"
bash qemu/mkmedia.sh "$OUT/media" >/dev/null        # the test root (work/airootfs.sfs) and an SRM (work/test.srm)
ISO=$OUT/liveinit.iso
echo; echo "== qemu/mkiso.sh: a hybrid ISO (GRUB for BIOS and UEFI, isolinux), default entry: persistence"
bash qemu/mkiso.sh --output "$ISO" --kernel "$VMLINUZ" --initrd "$OUT/initrd.img" \
  --rootfs "$OUT/media/work/airootfs.sfs" --srm "$OUT/media/work/test.srm" \
  --label RESCUE --cow-label "my persist" --default persistence
rm -f "$OUT/persist.img"; mkfs.ext4 -q -F -L "my persist" "$OUT/persist.img" 32M >/dev/null
rm -f "$OUT/grub.cfg"; xorriso -osirrox on -indev "$ISO" -extract /boot/grub/grub.cfg "$OUT/grub.cfg" >/dev/null 2>&1
echo; echo "== its GRUB menu (boot/grub/grub.cfg; isolinux/isolinux.cfg has the same entries)"
grep -E '^set default|menuentry|linux ' "$OUT/grub.cfg"
CMD=$(awk '/--id persistence/ {p=1} p && $1 == "linux" {$1=""; $2=""; sub(/^ +/, ""); print; exit}' "$OUT/grub.cfg")
echo; echo "== the persistence entry's kernel command line: $CMD"; artifacts/liveinit explain --cmdline "$CMD"
for n in 1 2; do
  echo; echo "================ boot $n: SeaBIOS -> CD -> GRUB -> LiveInit ================"
  FIRMWARE_BOOT=bios bash qemu/boot.sh "$OUT/boot$n.log" 240 "" \
    -drive file="$ISO",format=raw,if=ide,media=cdrom,readonly=on -drive file="$OUT/persist.img",format=raw,if=virtio
  tr -d '\r' <"$OUT/boot$n.log" | sed 's/\x1b\[[0-9;?=]*[A-Za-z]//g' \
    | grep -aoE "Booting from DVD/CD|Welcome to GRUB|Booting \`[^']*'" | awk '!seen[$0]++' || true
  tr -d '\r' <"$OUT/boot$n.log" \
    | grep -aE '\] Command line:|liveinit: |^(LIVEINIT|ROOTFS|SRM-|PERSIST|MOUNT-VISIBLE)' || true
done
echo
if tr -d '\r' <"$OUT/boot2.log" | grep -q 'PERSIST-FOUND previous_boots=1'; then
  echo "demo OK: SeaBIOS and GRUB booted the ISO twice; the second boot found what the first boot wrote" \
       "to the persistence disk"
else
  echo "demo FAILED: no persistence marker in the second boot (logs in $OUT)"; exit 1
fi
