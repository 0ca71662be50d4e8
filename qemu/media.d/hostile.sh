# Hostile media for tests/boot/scenarios.d/hostile.sh (sourced by qemu/mkmedia.sh: $W scratch, $R test root, $OUT).
# Every link below points at /dev/vdb: the scenarios attach the unnamed "internal" disk second, so the guest
# sees it there. A LiveInit that followed one would write to that disk; the scenarios compare its md5.
#   internal.img   16 MiB ext4 "INTERNAL" with a file: the disk nobody names
#   recover.img    16 MiB ext4 "RECOVER" whose journal needs recovery (debugfs "feature needs_recovery"): a plain
#                  read-only mount replays it and so writes to the disk (checked on a host: the md5 changes after
#                  `mount -o ro` of a read-write loop device, and stays with `-o ro,noload`)
#   hliveos.img    ext4 "HLIVEOS": LiveOS/squashfs.img holding LiveOS/rootfs.img, and the persistent overlay
#                  LiveOS/overlay-HLIVEOS-<UUID> a symlink to /dev/vdb
#   hinner.img     ext4 "HINNER": LiveOS/squashfs.img whose LiveOS/rootfs.img is a symlink to /dev/vdb
#   hbs.img        USB stick ext4 "HBSTORE" with /sysrcd.bs a symlink to /dev/vdb
#   hantix.img     ext4 "HANTIX": antiX/linuxfs, antiX/rootfs and antiX/homefs symlinks to /dev/vdb
#   harch.img      ext4 "HARCH" with arch/x86_64/airootfs.sfs (an archiso medium)
#   hpersist.img   ext4 "HPERSIST", one cow_directory per case:
#                    persistent_HARCH/x86_64/upperdir   a regular file (the default folder is unusable)
#                    dev/x86_64/upperdir -> /dev/vdb,  abs/x86_64/upperdir -> /etc
#                    ovl/x86_64/upperdir/ with workdir -> upperdir (overlayfs refuses the same folder twice)
HOSTILE_UUID=4c1e0505-0000-4000-8000-00000000bad1
hostile_mkext4() {  # hostile_mkext4 OUT LABEL SIZE TREE [extra mkfs args]
  local img=$1 label=$2 size=$3 tree=$4; shift 4
  rm -f "$img"; mkfs.ext4 -q -F -L "$label" "$@" -d "$tree" "$img" "$size" 2>&1 | grep -v "^Creating regular file" || true
}
T=$W/tree-hostile-internal; mkdir -p "$T"; echo "internal data nobody named" > "$T/secret"
hostile_mkext4 "$OUT/internal.img" INTERNAL 16M "$T"
T=$W/tree-hostile-recover; mkdir -p "$T"; echo "a journal waits for recovery" > "$T/note"
hostile_mkext4 "$OUT/recover.img" RECOVER 16M "$T"
debugfs -w -R "feature needs_recovery" "$OUT/recover.img" >/dev/null 2>&1
dumpe2fs -h "$OUT/recover.img" 2>/dev/null | grep -q "needs_recovery" || { echo "recover.img: needs_recovery not set" >&2; exit 1; }

T=$W/tree-hostile-liveos; mkdir -p "$T/LiveOS"; cp "$W/tree-liveos/LiveOS/squashfs.img" "$T/LiveOS/"
ln -s /dev/vdb "$T/LiveOS/overlay-HLIVEOS-$HOSTILE_UUID"
hostile_mkext4 "$OUT/hliveos.img" HLIVEOS 48M "$T" -U "$HOSTILE_UUID"

S=$W/tree-hostile-sq-inner; mkdir -p "$S/LiveOS"; ln -s /dev/vdb "$S/LiveOS/rootfs.img"
T=$W/tree-hostile-inner; mkdir -p "$T/LiveOS"; mksquashfs "$S" "$T/LiveOS/squashfs.img" -noappend -quiet -comp gzip >/dev/null
hostile_mkext4 "$OUT/hinner.img" HINNER 8M "$T"; rm -rf "$S"

T=$W/tree-hostile-bs; mkdir -p "$T"; ln -s /dev/vdb "$T/sysrcd.bs"
hostile_mkext4 "$OUT/hbs.img" HBSTORE 8M "$T"

T=$W/tree-hostile-antix; mkdir -p "$T/antiX"; cp "$W/tree-antix/antiX/linuxfs" "$T/antiX/"
ln -s /dev/vdb "$T/antiX/rootfs"; ln -s /dev/vdb "$T/antiX/homefs"
hostile_mkext4 "$OUT/hantix.img" HANTIX 24M "$T"

T=$W/tree-hostile-arch; mkdir -p "$T/arch/x86_64"; cp "$W/airootfs.sfs" "$T/arch/x86_64/"
hostile_mkext4 "$OUT/harch.img" HARCH 24M "$T"
T=$W/tree-hostile-persist; mkdir -p "$T/persistent_HARCH/x86_64" "$T/dev/x86_64" "$T/abs/x86_64" "$T/ovl/x86_64/upperdir"
echo "not a folder" > "$T/persistent_HARCH/x86_64/upperdir"
ln -s /dev/vdb "$T/dev/x86_64/upperdir"; ln -s /etc "$T/abs/x86_64/upperdir"; ln -s upperdir "$T/ovl/x86_64/workdir"
hostile_mkext4 "$OUT/hpersist.img" HPERSIST 16M "$T"
