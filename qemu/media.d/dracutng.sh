# Media of the udev-names scenarios (sourced by ../mkmedia.sh; sees $W, $R, $OUT, $HERE):
#   udev-live.img   dos disk, p1 ext4 "UDEVLIVE" with LiveOS/squashfs.img (flat): the test root plus the agent as
#                   /bin/liveinit and an init that prints `liveinit names` (UDEV-LI NAME DEVICE), what /dev/disk
#                   holds (UDEV-DEVDISK), then runs the test root's init
#   udev-blank.img  dos disk, p1 with no filesystem (the other buses' disks)
# dracut-ng's own tests, their media built the way the tests build them (our test root as the root):
#   t21-root.img     TEST-21-OVERLAYFS: whole-disk ext4 "dracut" holding the root tree itself (not live)
#   t21-overlay.img  TEST-21: whole-disk ext4 "OVERLAY" (32 MiB, fixed UUID) for rd.overlay=<device>
#   t21-crypt.img    TEST-21's crypt disk: whole-disk ext4 "CRYPT" (100 MiB, `mkfs.ext4 -q -L CRYPT` as its
#                    setup_crypt_disk makes it) for rd.overlay.crypt=LABEL=CRYPT
#   t30-root.img     TEST-30-DMSQUASH: dos disk, p1 at sector 2048, ext4 "dracut" with LiveOS/rootfs.img a squashfs
#                    of the root (dracut-ng's layout; LiveInit finds LiveOS/rootfs.img after squashfs.img)
#   t30-erofs.img    TEST-30's root_erofs disk: the whole disk an erofs of the root (mkfs.erofs), no partition table
#   t30-iso.img      TEST-30's root_iso disk: whole-disk ext4 "dracut_iso" holding /linux.iso, an iso9660 "ISO"
#                    (-iso-level 3) of the same live tree (LiveOS/rootfs.img)
if [ -x "$HERE/../artifacts/liveinit" ]; then
P=$W/root-udev; rm -rf "$P"; cp -a "$R" "$P"
cp "$HERE/../artifacts/liveinit" "$P/bin/liveinit"
mv "$P/sbin/init" "$P/sbin/init.test"
cat > "$P/sbin/init" <<'INIT'
#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
# the USB stick (usb-storage waits a second before its SCSI scan) may appear after the root is reached: the
# comparison is about names, not about timing, so wait for it (up to 15 s) as udev's settle does
i=0; while [ ! -b /dev/sde ] && [ $i -lt 15 ]; do sleep 1; i=$((i + 1)); done
liveinit names | sed 's/^/UDEV-LI /'
echo "UDEV-LI-DONE"
echo "UDEV-DEVDISK $(ls /dev/disk 2>/dev/null | tr '\n' ' ')."
exec /sbin/init.test "$@"
INIT
chmod 755 "$P/sbin/init"
T=$W/tree-udev; mkdir -p "$T/LiveOS"
mksquashfs "$P" "$T/LiveOS/squashfs.img" -noappend -quiet -comp gzip -all-root >/dev/null
mkfs.ext4 -q -F -L UDEVLIVE -d "$T" "$W/udev-p1.img" 20M 2>&1 | grep -v "^Creating regular file" || true
rm -f "$OUT/udev-live.img"; truncate -s 24M "$OUT/udev-live.img"
printf 'label: dos\nlabel-id: 0x0de50001\n1MiB,20MiB,83\n' | sfdisk -q "$OUT/udev-live.img" >/dev/null
dd if="$W/udev-p1.img" of="$OUT/udev-live.img" bs=1M seek=1 conv=notrunc,sparse status=none
rm -f "$OUT/udev-blank.img"; truncate -s 16M "$OUT/udev-blank.img"
printf 'label: dos\n1MiB,8MiB,83\n' | sfdisk -q "$OUT/udev-blank.img" >/dev/null
rm -rf "$P" "$T" "$W/udev-p1.img"
rm -f "$OUT/t21-root.img" "$OUT/t21-overlay.img" "$OUT/t21-crypt.img" "$OUT/t30-root.img"
mkfs.ext4 -q -F -L dracut -d "$R" "$OUT/t21-root.img" 24M 2>&1 | grep -v "^Creating regular file" || true
mkfs.ext4 -q -F -L OVERLAY -U 0f0f0f0f-2121-4121-8121-0000000000a1 "$OUT/t21-overlay.img" 32M >/dev/null 2>&1
truncate -s 100M "$OUT/t21-crypt.img"; mkfs.ext4 -q -F -L CRYPT "$OUT/t21-crypt.img" >/dev/null 2>&1
T=$W/tree-t30; mkdir -p "$T/LiveOS"
mksquashfs "$R" "$T/LiveOS/rootfs.img" -noappend -quiet -comp gzip -all-root >/dev/null
mkfs.ext4 -q -F -L dracut -d "$T" "$W/t30-p1.img" 20M 2>&1 | grep -v "^Creating regular file" || true
truncate -s 24M "$OUT/t30-root.img"; echo '2048,40960' | sfdisk -q "$OUT/t30-root.img" >/dev/null
dd if="$W/t30-p1.img" of="$OUT/t30-root.img" bs=512 seek=2048 conv=notrunc,sparse status=none
rm -f "$OUT/t30-erofs.img"; mkfs.erofs --quiet "$OUT/t30-erofs.img" "$R" >/dev/null
I=$W/tree-t30-iso; rm -rf "$I"; mkdir -p "$I"
xorriso -as mkisofs -quiet -output "$I/linux.iso" "$T" -volid ISO -iso-level 3 2>/dev/null
rm -f "$OUT/t30-iso.img"
mkfs.ext4 -q -F -L dracut_iso -d "$I" "$OUT/t30-iso.img" 24M 2>&1 | grep -v "^Creating regular file" || true
rm -rf "$T" "$I" "$W/t30-p1.img"
else
  echo "media.d/dracutng.sh: no artifacts/liveinit (./build.sh first): udev-names media not built" >&2
fi
