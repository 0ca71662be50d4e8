# Media of the udev-names scenarios (sourced by ../mkmedia.sh; sees $W, $R, $OUT, $HERE):
#   udev-live.img   dos disk, p1 ext4 "UDEVLIVE" with LiveOS/squashfs.img (flat): the test root plus the agent as
#                   /bin/liveinit and an init that prints `liveinit names` (UDEV-LI NAME DEVICE), what /dev/disk
#                   holds (UDEV-DEVDISK), then runs the test root's init
#   udev-blank.img  dos disk, p1 with no filesystem (the other buses' disks)
if [ -x "$HERE/../artifacts/liveinit" ]; then
P=$W/root-udev; rm -rf "$P"; cp -a "$R" "$P"
cp "$HERE/../artifacts/liveinit" "$P/bin/liveinit"
mv "$P/sbin/init" "$P/sbin/init.test"
cat > "$P/sbin/init" <<'INIT'
#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
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
printf 'label: dos\nlabel-id: 0x0dev0001\n1MiB,20MiB,83\n' | sed 's/0x0dev0001/0x0de50001/' | sfdisk -q "$OUT/udev-live.img" >/dev/null
dd if="$W/udev-p1.img" of="$OUT/udev-live.img" bs=1M seek=1 conv=notrunc,sparse status=none
rm -f "$OUT/udev-blank.img"; truncate -s 16M "$OUT/udev-blank.img"
printf 'label: dos\n1MiB,8MiB,83\n' | sfdisk -q "$OUT/udev-blank.img" >/dev/null
rm -rf "$P" "$T" "$W/udev-p1.img"
else
  echo "media.d/dracutng.sh: no artifacts/liveinit (./build.sh first): udev-names media not built" >&2
fi
