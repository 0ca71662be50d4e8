# udev's names without udev (sourced by ../scenarios.sh). One machine with disks on every bus udev names
# differently — AHCI (two SATA disks, one with a WWN), NVMe, virtio-scsi (two disks, one with a WWN), virtio-blk and
# USB storage on xHCI — booted twice: by LiveInit (the medium found as root=live:/dev/disk/by-id/… or by-path/…;
# the root prints `liveinit names`) and by a udev-based initramfs (tests/peers/udevlist.sh: dracut 059 with
# systemd-udevd 252, which lists the links udev made). The two lists must be the same names, grouped the same way
# onto devices (sd letters differ between boots, so the groups are compared, not the letters).

# udev_disks DIR MEDIUM-SLOT: the qemu arguments; the live medium sits at slot sata1 or scsi1, blanks elsewhere
udev_disks() {
  local d=$1 live=$2 s f
  for s in sata1 sata2 nvme scsi1 scsi2 vblk usb; do
    f=$d/udev-$s.img
    if [ "$s" = "$live" ]; then cp --sparse=always "$MEDIA/udev-live.img" "$f"
    else cp --sparse=always "$MEDIA/udev-blank.img" "$f"; fi
  done
  echo "-device ahci,id=ahci" \
    "-drive if=none,id=s1,file=$d/udev-sata1.img,format=raw -device ide-hd,drive=s1,bus=ahci.0,serial=LISATA1" \
    "-drive if=none,id=s2,file=$d/udev-sata2.img,format=raw" \
    "-device ide-hd,drive=s2,bus=ahci.1,serial=LISATA2,wwn=0x5000c500a1b2c3d4" \
    "-drive if=none,id=n1,file=$d/udev-nvme.img,format=raw -device nvme,drive=n1,serial=LINVME1" \
    "-device virtio-scsi-pci,id=scsi" \
    "-drive if=none,id=c1,file=$d/udev-scsi1.img,format=raw -device scsi-hd,drive=c1,bus=scsi.0,serial=LISCSI1" \
    "-drive if=none,id=c2,file=$d/udev-scsi2.img,format=raw" \
    "-device scsi-hd,drive=c2,bus=scsi.0,serial=LISCSI2,wwn=0x5000c500deadbeef" \
    "-drive if=none,id=v1,file=$d/udev-vblk.img,format=raw -device virtio-blk-pci,drive=v1,serial=LIVIRTIO1" \
    "-device qemu-xhci,id=xhci" \
    "-drive if=none,id=u1,file=$d/udev-usb.img,format=raw -device usb-storage,bus=xhci.0,drive=u1,serial=LIUSB1"
}

# udev_compare NAME LIVEINIT-LOG PEER-LOG: same names, same grouping onto devices
udev_compare() {
  python3 - "$1" "$2" "$3" <<'PY'
import re, sys
name, li_log, peer_log = sys.argv[1:]
def groups(path, tag, done):
    log = open(path, errors="replace").read().replace("\r", "")
    if done not in log:
        return None
    by_dev = {}
    for link, dev in re.findall(rf"^{tag} (by-(?:id|path)/\S+) (/dev/\S+)$", log, re.M):
        by_dev.setdefault(dev, set()).add(link)
    return {frozenset(v) for v in by_dev.values()}, {l for v in by_dev.values() for l in v}
li, peer = groups(li_log, "UDEV-LI", "UDEV-LI-DONE"), groups(peer_log, "UDEV-PEER", "UDEV-PEER-DONE")
if li is None or peer is None:
    print(f"FAIL {name}: no complete list (liveinit: {li is not None}, udev: {peer is not None}; logs {li_log} {peer_log})")
elif li != peer:
    missing, extra = sorted(peer[1] - li[1]), sorted(li[1] - peer[1])
    regrouped = "" if missing or extra else "; the same names, grouped onto devices differently"
    print(f"FAIL {name}: udev made {missing} and LiveInit did not; LiveInit computed {extra} udev did not{regrouped}")
elif len(peer[1]) < 30:
    print(f"FAIL {name}: only {len(peer[1])} links seen; the disks were not all there (log {peer_log})")
else:
    print(f"PASS {name}")
PY
}

# LiveInit boots the medium on SATA port 1 named by its by-id link (ata_id's name), lists its names; the udev
# initramfs boots the same machine; the lists must agree. LiveInit makes no /dev/disk links (UDEV-DEVDISK empty).
s_udev_names_by_id() {
  local d=$OUT/udevid l=$OUT/udev-by-id.log p=$OUT/udev-peer.log peer
  mkdir -p "$d"
  "$BOOT" "$l" "$TMO" 'root=live:/dev/disk/by-id/ata-QEMU_HARDDISK_LISATA1-part1 rd.live.image' $(udev_disks "$d" sata1)
  expect udev/by-id-root "$l" 'LIVEINIT-ROOT-REACHED' 'UDEV-LI-DONE' 'UDEV-DEVDISK \.' 'ROOTFS-TYPE=overlay'
  if ! peer=$(bash "$HERE/../peers/udevlist.sh" 2>"$OUT/udevlist-build.log"); then
    echo "FAIL udev/names-match-udev: the udev initramfs was not built (log: $OUT/udevlist-build.log)"; return
  fi
  VMLINUZ=$(sed -n 's/^VMLINUZ=//p' <<<"$peer") INITRD=$(sed -n 's/^INITRD=//p' <<<"$peer") \
    "$BOOT" "$p" 150 'root=LABEL=NO-SUCH-ROOT rd.retry=120' $(udev_disks "$d" sata1)
  udev_compare udev/names-match-udev "$l" "$p"
}

# The medium on virtio-scsi named by path_id's by-path link (PCI slot, scsi host:bus:target:lun).
s_udev_names_by_path() {
  local d=$OUT/udevpath l=$OUT/udev-by-path.log
  mkdir -p "$d"
  "$BOOT" "$l" "$TMO" 'root=live:/dev/disk/by-path/pci-0000:00:04.0-scsi-0:0:0:0-part1 rd.live.image' \
    $(udev_disks "$d" scsi1)
  expect udev/by-path-root "$l" 'LIVEINIT-ROOT-REACHED' 'ROOT-DEVICE=overlay' \
    'UDEV-LI by-path/pci-0000:00:04.0-scsi-0:0:0:0-part1 /dev/sd[a-z]1'
}
