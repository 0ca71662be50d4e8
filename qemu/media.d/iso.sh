# Media of the ISO-file and live-boot scenarios (sourced by ../mkmedia.sh; sees $W, $R, $OUT, $HERE):
#   multi.iso         iso9660 "ISOLIVE" holding every dialect's layout of the test root: sysresccd/x86_64/airootfs.sfs
#                     (archiso/SystemRescue), sysrcd.dat (SystemRescueCd-5), LiveOS/squashfs.img (dracut),
#                     live/filesystem.squashfs (live-boot), antiX/linuxfs and a waiting antiX/linuxfs.new (variant
#                     v2: a remaster from an ISO file must be refused)
#   iso-ext4.img      dos disk, p1 ext4 "DATA4" holding /isos/live.iso (multi.iso) and /isos/evil.iso -> /dev/vdb
#                     (the ext4 host of every dialect; iso-exfat.img the exFAT host of every dialect)
#   iso-ext4-cow.img  dos disk, p1 ext4 "DATA4C" holding /isos/live.iso, p2 ext4 "isopersist" (archiso cow beside it)
#   iso-exfat.img     dos disk, p1 exFAT "DATAX" holding /ISO/live.iso (written by ../exfat-put.py: no exFAT mount
#                     is needed on the build machine)
#   debian-live.iso   iso9660 "d-live 12 st amd64", as live-build lays it out: live/filesystem.squashfs, live/vmlinuz,
#                     live/initrd.img, .disk/info; and two modules aa-/zz-module.squashfs (the last on top)
#   lb-persist-root.img  ext4 "persistence" with persistence.conf "/ union", "/srv bind", "/opt link,source=opt-files"
#                     and a bad line (an unknown option)
#   lb-persist-home.img  ext4 "homepersist" with persistence.conf "/home union"
#   lb-persist-file.img  vfat "STICK" holding the persistence file /live-persist/persistence (an ext4 image with
#                     persistence.conf "/mnt union"): live-boot's persistence-path=
T=$W/tree-multiiso; mkdir -p "$T/sysresccd/x86_64" "$T/LiveOS" "$T/live" "$T/antiX"
cp "$W/airootfs.sfs" "$T/sysresccd/x86_64/airootfs.sfs"; cp "$W/airootfs.sfs" "$T/sysrcd.dat"
cp "$W/airootfs.sfs" "$T/LiveOS/squashfs.img"; cp "$W/airootfs.sfs" "$T/live/filesystem.squashfs"
cp "$W/airootfs.sfs" "$T/antiX/linuxfs"
V=$W/root-iso-v2; rm -rf "$V"; cp -a "$R" "$V"; echo v2 > "$V/etc/liveinit-variant"
mksquashfs "$V" "$T/antiX/linuxfs.new" -noappend -quiet -comp gzip -all-root >/dev/null
xorriso -as mkisofs -quiet -V ISOLIVE -R -J -o "$W/multi.iso" "$T" 2>/dev/null
mkpart_disk() {  # out size-MiB part-image... : a dos disk whose partitions (Linux, 1 MiB aligned) are the images
  local out=$1 size=$2 start=1 table='label: dos\n' p; shift 2
  for p in "$@"; do table+="${start}MiB,$(( $(stat -c %s "$p") / 1048576 ))MiB,83\n"
    start=$(( start + $(stat -c %s "$p") / 1048576 )); done
  rm -f "$out"; truncate -s "${size}M" "$out"; printf "$table" | sfdisk -q "$out" >/dev/null
  start=1; for p in "$@"; do dd if="$p" of="$out" bs=1M seek=$start conv=notrunc,sparse status=none
    start=$(( start + $(stat -c %s "$p") / 1048576 )); done
}
T=$W/tree-isoext4; mkdir -p "$T/isos"; cp "$W/multi.iso" "$T/isos/live.iso"
ln -s /dev/vdb "$T/isos/evil.iso"   # a link off the host to the second disk's device node: must be refused
mkfs.ext4 -q -F -L DATA4 -d "$T" "$W/isoext4-p1.img" 32M 2>&1 | grep -v "^Creating regular file" || true
mkpart_disk "$OUT/iso-ext4.img" 34 "$W/isoext4-p1.img"
mkfs.ext4 -q -F -L DATA4C -d "$T" "$W/isoext4c-p1.img" 32M 2>&1 | grep -v "^Creating regular file" || true
truncate -s 16M "$W/isoext4c-p2.img"; mkfs.ext4 -q -F -L isopersist "$W/isoext4c-p2.img"
mkpart_disk "$OUT/iso-ext4-cow.img" 50 "$W/isoext4c-p1.img" "$W/isoext4c-p2.img"
rm -f "$W/isoexfat-p1.img"; truncate -s 32M "$W/isoexfat-p1.img"; mkfs.exfat -L DATAX "$W/isoexfat-p1.img" >/dev/null
python3 "$HERE/exfat-put.py" "$W/isoexfat-p1.img" "ISO/live.iso=$W/multi.iso" "readme.txt=/etc/hostname"
fsck.exfat -n "$W/isoexfat-p1.img" >/dev/null
mkpart_disk "$OUT/iso-exfat.img" 34 "$W/isoexfat-p1.img"
# a Debian Live medium as live-build makes it (the kernel and initrd are there as on the real one; QEMU boots
# the test kernel directly)
T=$W/tree-debianlive; mkdir -p "$T/live" "$T/.disk" "$T/isolinux"
cp "$W/airootfs.sfs" "$T/live/filesystem.squashfs"; : > "$T/live/vmlinuz"; : > "$T/live/initrd.img"
# two more images beside it, stacked by live-boot in name order, the last on top: zz's marker must win over aa's
S=$W/lbmod-aa; mkdir -p "$S/etc"; echo "from-live-aa" > "$S/etc/liveinit-srm-marker"
mksquashfs "$S" "$T/live/aa-module.squashfs" -noappend -quiet -comp gzip -all-root >/dev/null
S=$W/lbmod-zz; mkdir -p "$S/etc"; echo "from-live-zz" > "$S/etc/liveinit-srm-marker"
mksquashfs "$S" "$T/live/zz-module.squashfs" -noappend -quiet -comp gzip -all-root >/dev/null
echo "Debian GNU/Linux 12 \"Bookworm\" - Official amd64 LIVE" > "$T/.disk/info"
xorriso -as mkisofs -quiet -V "d-live 12 st amd64" -R -J -o "$OUT/debian-live.iso" "$T" 2>/dev/null
T=$W/tree-lbroot; mkdir -p "$T/opt-files"; echo kept > "$T/opt-files/linked-file"
printf '# live-boot persistence\n/ union\n/srv bind\n/opt link,source=opt-files\n/etc/x bogus\n' > "$T/persistence.conf"
mkfs.ext4 -q -F -L persistence -d "$T" "$OUT/lb-persist-root.img" 16M 2>&1 | grep -v "^Creating regular file" || true
T=$W/tree-lbhome; mkdir -p "$T"; printf '/home union\n' > "$T/persistence.conf"
mkfs.ext4 -q -F -L homepersist -d "$T" "$OUT/lb-persist-home.img" 16M 2>&1 | grep -v "^Creating regular file" || true
T=$W/tree-lbfile; mkdir -p "$T"; printf '/mnt union\n' > "$T/persistence.conf"
mkfs.ext4 -q -F -L pfile -d "$T" "$W/lb-persistence-file" 8M 2>&1 | grep -v "^Creating regular file" || true
rm -f "$OUT/lb-persist-file.img"; truncate -s 16M "$OUT/lb-persist-file.img"
mkfs.vfat -n STICK "$OUT/lb-persist-file.img" >/dev/null
mmd -i "$OUT/lb-persist-file.img" ::/live-persist
mcopy -i "$OUT/lb-persist-file.img" "$W/lb-persistence-file" ::/live-persist/persistence
