# Media of the autooverlay scenarios (sourced by ../mkmedia.sh; sees $W, $R, $OUT):
#   ao-root.img   TEST-30-DMSQUASH's layout on a larger disk: dos, p1 at sector 2048 (20 MiB), ext4 "dracut"
#                 holding LiveOS/rootfs.img (a squashfs of the test root, as dracut-ng builds it), 64 MiB
#                 free after it
#   ao-full.img   the same medium, but p1 runs to the end of the disk: no free space after it
#   ao-gpt.img    ao-root.img's layout on a GPT disk (85 MiB, p1 "dracut" at sector 2048, 20 MiB, 64 MiB free after)
#   ao-other.img  a second dos disk with free space of its own (ext4 "other" in p1), which no boot may write
T=$W/tree-ao; rm -rf "$T"; mkdir -p "$T/LiveOS"
mksquashfs "$R" "$T/LiveOS/rootfs.img" -noappend -quiet -comp gzip -all-root >/dev/null
mkfs.ext4 -q -F -L dracut -U 30303030-3030-4030-8030-000000000a01 -d "$T" "$W/ao-p1.img" 20M 2>&1 \
  | grep -v "^Creating regular file" || true
rm -f "$OUT/ao-root.img" "$OUT/ao-full.img" "$OUT/ao-other.img" "$OUT/ao-gpt.img"
truncate -s 85M "$OUT/ao-root.img"
printf 'label: dos\nlabel-id: 0x0a0a0001\n2048,40960,83\n' | sfdisk -q "$OUT/ao-root.img" >/dev/null
dd if="$W/ao-p1.img" of="$OUT/ao-root.img" bs=512 seek=2048 conv=notrunc,sparse status=none
truncate -s 85M "$OUT/ao-gpt.img"
printf 'label: gpt\nlabel-id: 0A0A0A0A-3030-4030-8030-000000000a04\n%s\n' \
  'start=2048, size=40960, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=0A0A0A0A-3030-4030-8030-000000000a05, name="dracut"' \
  | sfdisk -q "$OUT/ao-gpt.img" >/dev/null
dd if="$W/ao-p1.img" of="$OUT/ao-gpt.img" bs=512 seek=2048 conv=notrunc,sparse status=none
truncate -s 21M "$OUT/ao-full.img"
printf 'label: dos\nlabel-id: 0x0a0a0002\n2048,,83\n' | sfdisk -q "$OUT/ao-full.img" >/dev/null
dd if="$W/ao-p1.img" of="$OUT/ao-full.img" bs=512 seek=2048 conv=notrunc,sparse status=none
truncate -s 64M "$OUT/ao-other.img"
printf 'label: dos\nlabel-id: 0x0a0a0003\n2048,16384,83\n' | sfdisk -q "$OUT/ao-other.img" >/dev/null
mkfs.ext4 -q -F -L other "$W/ao-other-p1.img" 8M >/dev/null 2>&1
dd if="$W/ao-other-p1.img" of="$OUT/ao-other.img" bs=512 seek=2048 conv=notrunc,sparse status=none
rm -rf "$T" "$W/ao-p1.img" "$W/ao-other-p1.img"
