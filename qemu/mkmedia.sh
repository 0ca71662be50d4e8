#!/usr/bin/env bash
# Build the test media as files (no loop devices): a tiny busybox root as squashfs, an SRM, and disks:
#   rescue.img      MBR: p1 vfat "RESCUE" (sysresccd/x86_64/airootfs.sfs, sysresccd/test.srm, a corrupt
#                   sysresccd/zz-broken.srm), p2 ext4 "my persist"
#   fullpersist.img whole-disk ext4 "FULLP" with less than 4 MiB free
#   spacelabel.img  whole-disk ext4 labelled "LIVE DISK" with arch/x86_64/airootfs.sfs and LiveOS/squashfs.img
#   usb.img         whole-disk ext4 "USBLIVE" with arch/x86_64/airootfs.sfs (hot-added in the late-device test)
#   gpt.img         GPT; partition 1 named "LiveInit Root", ext4 "GPTLIVE" with arch/x86_64/airootfs.sfs
#   liveos.img      ext4 "LIVEOS": LiveOS/squashfs.img holding LiveOS/rootfs.img, blank overlay-LIVEOS-<UUID> file
#   antix.img       ext4 "ANTIX": antiX/linuxfs (v1), antiX/linuxfs.new (v2), antiX/rootfs, antiX/homefs
#   antix-cut.img   ext4 "ANTIXCUT": antiX/linuxfs.old (v1) and antiX/linuxfs.new (v2), no linuxfs (interrupted swap)
#   linuxfs-v3      a third root (v3), written into antix.img between boots by the remaster test
#   sysrcd5.img, sysrcd-bs.img   SystemRescueCd-5: /sysrcd.dat; a USB disk with /sysrcd.bs
#   corrupt.img     ext4 "CORRUPT" whose arch/x86_64/airootfs.sfs is random bytes
#   hybrid.iso      iso9660 "HYBRID", also on MBR partition 1 (same label on disk and partition)
# Usage: mkmedia.sh OUTDIR
set -euo pipefail
OUT=${1:?usage: mkmedia.sh OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
W=$OUT/work; rm -rf "$W"; mkdir -p "$W"
BB=$(command -v busybox)

# the test root
R=$W/root; mkdir -p "$R"/{bin,sbin,etc,proc,sys,dev,run,tmp,var/lib,home,mnt}
cp "$BB" "$R/bin/busybox"
for a in $("$BB" --list); do [ "$a" = busybox ] || [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
install -m 755 "$HERE/testroot-init.sh" "$R/sbin/init"
mksquashfs "$R" "$W/airootfs.sfs" -noappend -quiet -comp gzip -all-root >/dev/null
sha512sum "$W/airootfs.sfs" | sed 's|  .*|  airootfs.sfs|' > "$W/airootfs.sha512"
# an SRM that adds one file
S=$W/srm; mkdir -p "$S/etc"; echo "from-test-srm" > "$S/etc/liveinit-srm-marker"
mksquashfs "$S" "$W/test.srm" -noappend -quiet -comp gzip -all-root >/dev/null

MiB=$((1024*1024))
# rescue.img: partitioned, p1 vfat (48 MiB) + p2 ext4 (32 MiB)
truncate -s 48M "$W/p1.img"; mkfs.vfat -n RESCUE "$W/p1.img" >/dev/null
mmd -i "$W/p1.img" ::/sysresccd ::/sysresccd/x86_64
mcopy -i "$W/p1.img" "$W/airootfs.sfs" "$W/airootfs.sha512" ::/sysresccd/x86_64/
mcopy -i "$W/p1.img" "$W/test.srm" ::/sysresccd/
head -c 200000 /dev/urandom > "$W/zz-broken.srm"; mcopy -i "$W/p1.img" "$W/zz-broken.srm" ::/sysresccd/   # a corrupt SRM
truncate -s 32M "$W/p2.img"; mkfs.ext4 -q -F -L "my persist" "$W/p2.img"
rm -f "$OUT/rescue.img"; truncate -s 82M "$OUT/rescue.img"
printf 'label: dos\nlabel-id: 0x5eed1234\n1MiB,48MiB,c\n49MiB,32MiB,83\n' | sfdisk -q "$OUT/rescue.img" >/dev/null
dd if="$W/p1.img" of="$OUT/rescue.img" bs=1M seek=1 conv=notrunc,sparse status=none
dd if="$W/p2.img" of="$OUT/rescue.img" bs=1M seek=49 conv=notrunc,sparse status=none

# whole-disk ext4 media
for spec in "spacelabel.img:LIVE DISK" "usb.img:USBLIVE"; do
  img=${spec%%:*}; label=${spec#*:}
  T=$W/tree-$img; mkdir -p "$T/arch/x86_64" "$T/LiveOS"; cp "$W/airootfs.sfs" "$T/arch/x86_64/"
  cp "$W/airootfs.sfs" "$T/LiveOS/squashfs.img"   # the same root, Fedora LiveOS style (flat squashfs)
  mkdir -p "$T/boot"; : > "$T/boot/${img%.img}-2024-01-01-00-00-00-00.uuid"     # archisosearchuuid target
  echo "0000000000000000000000000000000000000000000000000000000000000000  airootfs.sfs" > "$T/arch/x86_64/airootfs.sha512"  # a wrong checksum
  rm -f "$OUT/$img"; mkfs.ext4 -q -F -L "$label" -d "$T" "$OUT/$img" 24M 2>&1 | grep -v "^Creating regular file" || true
done
# gpt.img: GPT, partition 1 ext4 named "LiveInit Root" (PARTLABEL) with fixed PARTUUID
T=$W/tree-gpt; mkdir -p "$T/arch/x86_64"; cp "$W/airootfs.sfs" "$T/arch/x86_64/"
mkfs.ext4 -q -F -L GPTLIVE -d "$T" "$W/g1.img" 20M 2>&1 | grep -v "^Creating regular file" || true
rm -f "$OUT/gpt.img"; truncate -s 24M "$OUT/gpt.img"
printf 'label: gpt\nlabel-id: 0C0FFEE0-1111-2222-3333-444455556666\nstart=2048, size=40960, type=L, uuid=6A1E1E00-AAAA-BBBB-CCCC-DDDDEEEEFFFF, name="LiveInit Root"\n' \
  | sfdisk -q "$OUT/gpt.img" >/dev/null
dd if="$W/g1.img" of="$OUT/gpt.img" bs=1M seek=1 conv=notrunc,sparse status=none
# liveos.img: Fedora LiveOS of the old kind: LiveOS/squashfs.img holds LiveOS/rootfs.img (ext4), and a
# blank 16 MiB persistent overlay file LiveOS/overlay-LIVEOS-<fs UUID> (dm-snapshot COW)
T=$W/tree-liveos; mkdir -p "$T/LiveOS" "$W/sq-liveos/LiveOS"
mkfs.ext4 -q -F -L rootfs -d "$R" "$W/sq-liveos/LiveOS/rootfs.img" 32M 2>&1 | grep -v "^Creating regular file" || true
mksquashfs "$W/sq-liveos" "$T/LiveOS/squashfs.img" -noappend -quiet -comp gzip >/dev/null
LIVEOS_UUID=4c1e0505-0000-4000-8000-000000000001
truncate -s 16M "$T/LiveOS/overlay-LIVEOS-$LIVEOS_UUID"
mkfs.ext4 -q -F -L LIVEOS -U "$LIVEOS_UUID" -d "$T" "$OUT/liveos.img" 48M 2>&1 | grep -v "^Creating regular file" || true
# antix.img: ext4 "ANTIX": antiX/linuxfs (variant v1), a waiting remaster antiX/linuxfs.new (variant v2),
# blank ext4 persistence files antiX/rootfs and antiX/homefs
T=$W/tree-antix; mkdir -p "$T/antiX"
echo v1 > "$R/etc/liveinit-variant"; mksquashfs "$R" "$T/antiX/linuxfs" -noappend -quiet -comp gzip -all-root >/dev/null
echo v2 > "$R/etc/liveinit-variant"; mksquashfs "$R" "$T/antiX/linuxfs.new" -noappend -quiet -comp gzip -all-root >/dev/null
echo v3 > "$R/etc/liveinit-variant"; mksquashfs "$R" "$W/linuxfs-v3" -noappend -quiet -comp gzip -all-root >/dev/null
rm -f "$R/etc/liveinit-variant"
# antix-cut.img: a remaster cut short by power loss: linuxfs already renamed to .old, .new not yet renamed
T2=$W/tree-antixcut; mkdir -p "$T2/antiX"; cp "$T/antiX/linuxfs" "$T2/antiX/linuxfs.old"; cp "$T/antiX/linuxfs.new" "$T2/antiX/"
mkfs.ext4 -q -F -L ANTIXCUT -d "$T2" "$OUT/antix-cut.img" 24M 2>&1 | grep -v "^Creating regular file" || true
cp "$W/linuxfs-v3" "$OUT/linuxfs-v3"
mkfs.ext4 -q -F -L rootfs "$T/antiX/rootfs" 16M >/dev/null 2>&1; mkfs.ext4 -q -F -L homefs "$T/antiX/homefs" 8M >/dev/null 2>&1
mkfs.ext4 -q -F -L ANTIX -d "$T" "$OUT/antix.img" 40M 2>&1 | grep -v "^Creating regular file" || true
# sysrcd5.img: ext4 "SYSRCD" with /sysrcd.dat; sysrcd-bs.img: ext4 "BSTORE" with /sysrcd.bs (a blank ext4 image)
T=$W/tree-sysrcd; mkdir -p "$T"; cp "$W/airootfs.sfs" "$T/sysrcd.dat"
mkfs.ext4 -q -F -L SYSRCD -d "$T" "$OUT/sysrcd5.img" 16M 2>&1 | grep -v "^Creating regular file" || true
T=$W/tree-bs; mkdir -p "$T"; mkfs.ext4 -q -F -L backstore "$T/sysrcd.bs" 16M >/dev/null 2>&1
mkfs.ext4 -q -F -L BSTORE -d "$T" "$OUT/sysrcd-bs.img" 24M 2>&1 | grep -v "^Creating regular file" || true
# corrupt.img: like spacelabel.img but the image is truncated garbage
T=$W/tree-corrupt; mkdir -p "$T/arch/x86_64"; head -c 300000 /dev/urandom > "$T/arch/x86_64/airootfs.sfs"
mkfs.ext4 -q -F -L CORRUPT -d "$T" "$OUT/corrupt.img" 8M 2>&1 | grep -v "^Creating regular file" || true
# fullpersist.img: whole-disk ext4 "FULLP" with almost no free space (a full persistence device)
T=$W/tree-full; mkdir -p "$T"; head -c $((13 * 1024 * 1024)) /dev/urandom > "$T/filler"   # random: not stored sparse
mkfs.ext4 -q -F -L FULLP -m 0 -d "$T" "$OUT/fullpersist.img" 16M 2>&1 | grep -v "^Creating regular file" || true
# hybrid.iso: iso9660 "HYBRID" with an MBR partition at 32 KiB holding a second copy of the superblock
# (xorriso -partition_offset), so the whole disk and partition 1 carry the same label
T=$W/tree-hybrid; mkdir -p "$T/arch/x86_64"; cp "$W/airootfs.sfs" "$T/arch/x86_64/"
xorriso -as mkisofs -quiet -V HYBRID -J -partition_offset 16 -o "$OUT/hybrid.iso" "$T" 2>/dev/null
# more media, one file per concern: each sees $W (scratch), $R (the test root tree), $OUT, $HERE
for f in "$HERE"/media.d/*.sh; do [ -e "$f" ] && . "$f"; done
rm -rf "$W/root" "$W/srm" "$W"/tree-* "$W"/p?.img "$W"/g1.img "$W/sq-liveos"
echo "media in $OUT: $(cd "$OUT" && ls *.img | tr '\n' ' ')"
