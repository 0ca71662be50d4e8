# Media of the partition-keys scenario (sourced by ../mkmedia.sh; sees $W, $R, $OUT, $HERE):
#   partkeys-root.img  whole-disk ext4 "PKROOT", arch/x86_64/airootfs.sfs: the test root plus util-linux's blkid
#                      (with its libraries), the agent as /bin/liveinit and an init that prints, for every
#                      partition of vdb and vdc, `blkid -p`, blkid's cache view (PARTUUID, PARTLABEL) and
#                      `liveinit probe`, then `liveinit probe` of every device, and powers off
#   partkeys-gpt.img   GPT: p1 ext4 named "LiveInit Root" (LegacyBIOSBootable and GUID bit 60), p2 named
#                      "empty part" with no filesystem, p3 vfat with no name and RequiredPartition
#   partkeys-dos.img   dos: p1 vfat bootable, p2 extended holding p5 ext4 and p6 (bootable, no filesystem)
if [ -x "$HERE/../artifacts/liveinit" ]; then
P=$W/root-partkeys; rm -rf "$P"; cp -a "$R" "$P"
mkdir -p "$P/usr/sbin"
for f in /sbin/blkid $(ldd /sbin/blkid | grep -o '/[^ ]*'); do
  r=$(readlink -f "$f"); mkdir -p "$P$(dirname "$f")"; cp "$r" "$P$f"
done
cp "$HERE/../artifacts/liveinit" "$P/bin/liveinit"
cat > "$P/sbin/init" <<'INIT'
#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
echo "LIVEINIT-ROOT-REACHED"
for d in /dev/vdb[0-9]* /dev/vdc[0-9]*; do
  n=${d#/dev/}
  blkid -p -o export "$d" | sed "s/^/PK-BLKID $n /"; echo "PK-RC blkid $n $?"
  blkid -c /dev/null -o export "$d" | sed "s/^/PK-CACHE $n /"
  liveinit probe "$d" | sed "s/^/PK-LIVEINIT $n /"; echo "PK-RC liveinit $n $?"
done
liveinit probe | sed "s/^/PK-ALL /"
echo "PK-DONE"
echo "LIVEINIT-ROOT-DONE"
poweroff -f
INIT
chmod 755 "$P/sbin/init"
T=$W/tree-partkeys; mkdir -p "$T/arch/x86_64"
mksquashfs "$P" "$T/arch/x86_64/airootfs.sfs" -noappend -quiet -comp gzip -all-root >/dev/null
mkfs.ext4 -q -F -L PKROOT -d "$T" "$OUT/partkeys-root.img" 24M 2>&1 | grep -v "^Creating regular file" || true
rm -rf "$P"
# the two partitioned disks (filesystems written at their offsets with dd)
rm -f "$OUT/partkeys-gpt.img" "$OUT/partkeys-dos.img"; truncate -s 16M "$OUT/partkeys-gpt.img" "$OUT/partkeys-dos.img"
sfdisk -q "$OUT/partkeys-gpt.img" >/dev/null <<'PT'
label: gpt
label-id: 0C0FFEE0-1111-2222-3333-444455556666
start=2048, size=8192, type=L, uuid=6A1E1E00-AAAA-BBBB-CCCC-DDDDEEEEFFFF, name="LiveInit Root", attrs="LegacyBIOSBootable GUID:60"
start=10240, size=4096, type=L, name="empty part"
start=14336, size=16384, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, attrs=RequiredPartition
PT
truncate -s 4M "$W/pk-ext4.img"; mkfs.ext4 -q -F -L "pk ext4" -U 11112222-3333-4444-5555-666677778888 "$W/pk-ext4.img"
truncate -s 8M "$W/pk-vfat.img"; mkfs.vfat -n PKVFAT -i 1234ABCD "$W/pk-vfat.img" >/dev/null
dd if="$W/pk-ext4.img" of="$OUT/partkeys-gpt.img" bs=512 seek=2048 conv=notrunc,sparse status=none
dd if="$W/pk-vfat.img" of="$OUT/partkeys-gpt.img" bs=512 seek=14336 conv=notrunc,sparse status=none
sfdisk -q "$OUT/partkeys-dos.img" >/dev/null <<'PT'
label: dos
label-id: 0x5eed1234
start=2048, size=16384, type=c, bootable
start=18432, size=14336, type=5
start=20480, size=8192, type=83
start=30720, size=1024, type=83, bootable
PT
dd if="$W/pk-vfat.img" of="$OUT/partkeys-dos.img" bs=512 seek=2048 conv=notrunc,sparse status=none
dd if="$W/pk-ext4.img" of="$OUT/partkeys-dos.img" bs=512 seek=20480 conv=notrunc,sparse status=none
rm -f "$W/pk-ext4.img" "$W/pk-vfat.img"
else
  echo "media.d/partkeys.sh: no artifacts/liveinit (./build.sh first): partkeys media not built" >&2
fi
