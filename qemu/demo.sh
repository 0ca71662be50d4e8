#!/usr/bin/env bash
# The demo: a SystemRescue-style medium (vfat boot partition with sysresccd/x86_64/airootfs.sfs and an SRM,
# ext4 persistence partition labelled "my persist") booted twice in QEMU. The second boot finds the file
# the first boot wrote. Installs what it needs with apt-get when missing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd); cd "$ROOT"
need=""
for t in qemu-system-x86_64:qemu-system-x86 busybox:busybox-static mksquashfs:squashfs-tools mkfs.vfat:dosfstools \
         mcopy:mtools mkfs.ext4:e2fsprogs sfdisk:fdisk python3:python3; do
  command -v "${t%%:*}" >/dev/null || [ -x "/sbin/${t%%:*}" ] || need="$need ${t#*:}"
done
[ -z "$need" ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null; }
OUT=$ROOT/artifacts/demo; mkdir -p "$OUT"
eval "$(qemu/kernel.sh)"
artifacts/liveinit mkinitramfs --modules-root "$MODULES" --output "$OUT/initrd.img"
bash qemu/mkmedia.sh "$OUT/media"
cp --sparse=always "$OUT/media/rescue.img" "$OUT/disk.img"
CMD='archisobasedir=sysresccd archisolabel=RESCUE cow_label="my persist" loadsrm'
echo; echo "== kernel command line: $CMD"; artifacts/liveinit explain --cmdline "$CMD"
for n in 1 2; do
  echo; echo "================ boot $n ================"
  VMLINUZ=$VMLINUZ INITRD=$OUT/initrd.img bash qemu/boot.sh "$OUT/boot$n.log" 90 "$CMD" \
    -drive file="$OUT/disk.img",format=raw,if=virtio
  tr -d '\r' <"$OUT/boot$n.log" | grep -aE 'liveinit|LIVEINIT|ROOTFS|SRM|PERSIST|MOUNT-VISIBLE' || true
done
echo
if tr -d '\r' <"$OUT/boot2.log" | grep -q 'PERSIST-FOUND previous_boots=1'; then
  echo "demo OK: the second boot found what the first boot wrote to the persistence partition"
else
  echo "demo FAILED: no persistence marker in the second boot (logs in $OUT)"; exit 1
fi
