# The medium of the distro-hook boots (sourced by ../mkmedia.sh; sees $W, $R, $OUT), used by tests/hooks/run.sh:
#   hooks.img   MBR, partition 1 ext4 "HOOKLIVE" holding the test root as LiveOS/squashfs.img (Fedora LiveOS,
#               flat) and as arch/x86_64/airootfs.sfs (archiso). The root has an /etc/os-release: systemd in
#               dracut's initramfs switches only to a root that looks like an OS.
H=$W/root-hooks; rm -rf "$H"; cp -a "$R" "$H"
printf 'NAME="LiveInit test root"\nID=liveinit-test\n' > "$H/etc/os-release"
T=$W/tree-hooks; mkdir -p "$T/LiveOS" "$T/arch/x86_64"
mksquashfs "$H" "$T/LiveOS/squashfs.img" -noappend -quiet -comp gzip -all-root >/dev/null
cp "$T/LiveOS/squashfs.img" "$T/arch/x86_64/airootfs.sfs"
mkfs.ext4 -q -F -L HOOKLIVE -d "$T" "$W/hooks-p1.img" 16M 2>&1 | grep -v "^Creating regular file" || true
rm -f "$OUT/hooks.img"; truncate -s 18M "$OUT/hooks.img"
printf 'label: dos\nlabel-id: 0x400c5000\n1MiB,16MiB,83\n' | sfdisk -q "$OUT/hooks.img" >/dev/null
dd if="$W/hooks-p1.img" of="$OUT/hooks.img" bs=1M seek=1 conv=notrunc,sparse status=none
rm -rf "$H" "$W/hooks-p1.img"
