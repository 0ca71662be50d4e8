# The media of the live-system tools (tests/boot/scenarios.d/tools.sh). A "tools" root: the busybox test root
# plus the host tools liveinit calls (mksquashfs, unsquashfs, mke2fs, e2fsck, resize2fs, with their shared
# libraries found by ldd), the liveinit binary, the kernel modules a step needs (virtio_net for the http
# step, dm-mirror for merge) and qemu/toolsroot-init.sh as /sbin/init, which runs the step named after "--".
#   tools.img        ext4 "TOOLS": sysresccd/x86_64/airootfs.sfs (the tools root), extra/load.srm
#   tools-http/      http.srm and config.srm, served over http by the scenario
#   tools-srcd5.img  ext4 "SRCD5T": /sysrcd.dat (the tools root);  tools-bsdisk.img: empty ext4 "BSDISK"
#   tools-liveos.img ext4 "TOOLSLIVE": LiveOS/squashfs.img holding LiveOS/rootfs.img (the tools root)
#   tools-antix.img  ext4 "TOOLSAX": antiX/linuxfs (the tools root)
AGENT=$HERE/../artifacts/liveinit
TR=$W/root-tools; rm -rf "$TR"; cp -a "$R" "$TR"
install -m 755 "$HERE/toolsroot-init.sh" "$TR/sbin/init"
mkdir -p "$TR/usr/bin" "$TR/usr/sbin" "$TR/lib/modules/tools" "$TR/root"
install -m 755 "$AGENT" "$TR/usr/bin/liveinit"
tools_copy_bin() {  # a host binary and every shared library ldd names, at the same paths
  local b; b=$(command -v "$1") || { echo "media.d/tools.sh: $1 is not installed on this host" >&2; return 1; }
  cp -L "$b" "$TR$b"
  ldd "$b" | awk '/=> \// {print $3} /^[ \t]*\// {print $1}' | while read -r lib; do
    mkdir -p "$TR$(dirname "$lib")"; [ -e "$TR$lib" ] || cp -L "$lib" "$TR$lib"
  done
}
for b in mksquashfs unsquashfs mke2fs e2fsck resize2fs; do tools_copy_bin "$b"; done
# glibc loads libgcc_s at run time (pthread_exit, used by mksquashfs): ldd does not name it
# (no early exit in a pipe: with pipefail the writer's SIGPIPE would end the media build)
g=$(ldconfig -p | awk '/libgcc_s.so.1 .*x86-64/ && !g {g = $NF} END {print g}'); mkdir -p "$TR$(dirname "$g")"; cp -L "$g" "$TR$g"
ln -sf mke2fs "$TR$(dirname "$(command -v mke2fs)")/mkfs.ext4"
KMOD=$(bash "$HERE/kernel.sh" 2>/dev/null | sed -n 's/^MODULES=//p') || true
[ -d "$KMOD/kernel" ] || echo "media.d/tools.sh: no kernel modules (qemu/kernel.sh failed): the http and merge steps will fail" >&2
for m in failover net_failover virtio_net dm-log dm-region-hash dm-mirror; do
  f=$(find "$KMOD/kernel" -name "$m.ko" -print -quit 2>/dev/null || true); [ -n "$f" ] && cp "$f" "$TR/lib/modules/tools/"
done
echo original > "$TR/etc/tools-changed"; echo doomed > "$TR/etc/tools-deleted"
mkdir -p "$TR/etc/tools-dir"; echo a > "$TR/etc/tools-dir/a"; echo b > "$TR/etc/tools-dir/b"
mksquashfs "$TR" "$W/tools-root.sfs" -noappend -quiet -comp gzip -all-root >/dev/null
# SRMs made on the host: one loaded from a path (adds a file, deletes one), two served over http
S=$W/srm-load; rm -rf "$S"; mkdir -p "$S/etc"; echo "loaded from a path" > "$S/etc/tools-loaded"
mksquashfs "$S" "$W/load.srm" -noappend -quiet -all-root -p "etc/tools-deleted c 000 0 0 0 0" >/dev/null
rm -rf "$OUT/tools-http"; mkdir -p "$OUT/tools-http"
rm -rf "$S"; mkdir -p "$S/etc"; echo "loaded over http" > "$S/etc/tools-http"
mksquashfs "$S" "$OUT/tools-http/http.srm" -noappend -quiet -all-root >/dev/null
rm -rf "$S"; mkdir -p "$S/etc"; echo "loaded by late_load_srm" > "$S/etc/tools-config"
mksquashfs "$S" "$OUT/tools-http/config.srm" -noappend -quiet -all-root >/dev/null
T=$W/tree-tools; mkdir -p "$T/sysresccd/x86_64" "$T/extra"
cp "$W/tools-root.sfs" "$T/sysresccd/x86_64/airootfs.sfs"; cp "$W/load.srm" "$T/extra/"
rm -f "$OUT/tools.img"; mkfs.ext4 -q -F -L TOOLS -d "$T" "$OUT/tools.img" 96M 2>&1 | grep -v "^Creating regular file" || true
T=$W/tree-tools5; mkdir -p "$T"; cp "$W/tools-root.sfs" "$T/sysrcd.dat"
rm -f "$OUT/tools-srcd5.img"; mkfs.ext4 -q -F -L SRCD5T -d "$T" "$OUT/tools-srcd5.img" 48M 2>&1 | grep -v "^Creating regular file" || true
rm -f "$OUT/tools-bsdisk.img"; mkfs.ext4 -q -F -L BSDISK "$OUT/tools-bsdisk.img" 200M >/dev/null 2>&1
# tools-liveos.img: ext4 "TOOLSLIVE": LiveOS/squashfs.img holding LiveOS/rootfs.img (ext4, the tools root): the
# dm-snapshot LiveOS of the overlay steps
rm -rf "$W/sq-tools"; mkdir -p "$W/sq-tools/LiveOS" "$W/tree-toolslive/LiveOS"
mkfs.ext4 -q -F -L rootfs -d "$TR" "$W/sq-tools/LiveOS/rootfs.img" 64M 2>&1 | grep -v "^Creating regular file" || true
mksquashfs "$W/sq-tools" "$W/tree-toolslive/LiveOS/squashfs.img" -noappend -quiet -comp gzip >/dev/null
rm -f "$OUT/tools-liveos.img"
mkfs.ext4 -q -F -L TOOLSLIVE -d "$W/tree-toolslive" "$OUT/tools-liveos.img" 200M 2>&1 | grep -v "^Creating regular file" || true
# tools-antix.img: ext4 "TOOLSAX": antiX/linuxfs (the tools root) for the remaster and persistence steps
rm -rf "$W/tree-toolsax"; mkdir -p "$W/tree-toolsax/antiX"; cp "$W/tools-root.sfs" "$W/tree-toolsax/antiX/linuxfs"
rm -f "$OUT/tools-antix.img"
mkfs.ext4 -q -F -L TOOLSAX -d "$W/tree-toolsax" "$OUT/tools-antix.img" 160M 2>&1 | grep -v "^Creating regular file" || true
rm -rf "$S" "$W/load.srm" "$W/sq-tools" "$TR" "$W/tools-root.sfs"
