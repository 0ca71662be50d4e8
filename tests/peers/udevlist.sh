#!/usr/bin/env bash
# A udev-based initramfs that only lists udev's names: dracut 059 (the dracut chroot, dracut's shell init and
# systemd-udevd 252 with 60-persistent-storage.rules, ata_id and scsi_id), built for the TEST kernel (the generic
# 6.1 one, which has ahci; the peers' cloud kernel has not), with the storage drivers only and a hook in
# initqueue/settled that prints every /dev/disk/by-id and by-path link once udev has settled:
#   UDEV-PEER by-id/NAME /dev/TARGET
# then UDEV-PEER-DONE and a power-off. Boot it with root=LABEL=<none> (so that dracut waits and runs the hook).
# Cached as $PEERS/udevlist/initrd.img; prints INITRD= and VMLINUZ=.
source "$(dirname "$0")/lib.sh"
lock_peers
kernel=$(PEER_KERNEL=${UDEVLIST_KERNEL:-linux-image-6.1.0-56-amd64} bash "$PEERS_SRC/kernel.sh") || die "no kernel"
KVER=$(sed -n 's/^KVER=//p' <<<"$kernel"); TREE=$(sed -n 's/^TREE=//p' <<<"$kernel")
VMLINUZ=$(sed -n 's/^VMLINUZ=//p' <<<"$kernel")
D=$PEERS/udevlist; T=$D/initrd.img; mkdir -p "$D"
DRIVERS="ahci libahci nvme virtio_pci virtio_blk virtio_scsi sd_mod sr_mod usb_storage uas xhci_pci xhci_hcd"
HOOK='#!/bin/sh
# liveinit test: udev'"'"'s names, then power off
# the USB stick (usb-storage scans a second late) may come after "settled": wait for it, then settle again
i=0; while [ ! -b /dev/sde ] && [ $i -lt 15 ]; do sleep 1; i=$((i + 1)); done
udevadm settle --timeout=30 2>/dev/null
for d in /dev/disk/by-id /dev/disk/by-path; do
  for l in "$d"/*; do
    [ -L "$l" ] || continue
    echo "UDEV-PEER ${d#/dev/disk/}/${l##*/} $(readlink -f "$l")"
  done
done
echo UDEV-PEER-DONE
echo o >/proc/sysrq-trigger
sleep 30
'
c=$(bash "$PEERS_SRC/chroot.sh" dracut) || die "tests/peers/chroot.sh dracut failed"
r=$(recipe_of "$KVER" "$DRIVERS" "$HOOK" "$c.recipe" udevlist-2)
if ! is_built "$T" "$r"; then
  say "udevlist: dracut image with a by-id/by-path listing hook ($KVER)"
  o=$D/work; overlay_up "$c" "$o"; kernel_into "$o/root" "$TREE" "$KVER"; chroot_mount "$o/root"
  printf '%s' "$HOOK" >"$o/root/tmp/99-udevlist.sh"
  set +e
  in_chroot "$o/root" dracut --force --no-hostonly --kver "$KVER" -m "base udev-rules rootfs-block" \
    --drivers "$DRIVERS" --include /tmp/99-udevlist.sh /lib/dracut/hooks/initqueue/settled/99-udevlist.sh \
    /tmp/initrd.img >"$D/build.log" 2>&1
  rc=$?
  [ $rc -eq 0 ] && cp "$o/root/tmp/initrd.img" "$T.new"
  set -e
  overlay_down "$o"
  [ $rc -eq 0 ] || die "udevlist: dracut failed (log: $D/build.log)"
  mv "$T.new" "$T"; mark_built "$T" "$r"
fi
echo "INITRD=$T"
echo "VMLINUZ=$VMLINUZ"
