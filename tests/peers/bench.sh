#!/usr/bin/env bash
# The peers of the boot benchmark (tests/bench/boot.sh), built once and cached in $PEERS/bench; the same media,
# root, kernel and command lines as the measurements in the README were made with:
#   root/direct.sqfs     the live root: Debian 12 minbase whose /sbin/init is bench-init.sh (zstd squashfs)
#   root/rootfsimg.sqfs  the same root as LiveOS/rootfs.img (ext4) inside a squashfs (the dm-snapshot form)
#   A/  dracut 059 + dmsquash-live (no systemd: dracut's shell init + udev) and four LiveOS media, ext4 "LIVE"
#       with a fixed UUID: disk-direct (flat squashfs), disk-rootfsimg, disk-dmpersist (+ a blank 256 MiB COW
#       file overlay-LIVE-<UUID>), disk-ovlpersist (+ overlay directory and ovlwork)
#   B/  live-boot on initramfs-tools (MODULES=most, gzip) and its medium: ext4 "LIVE" with /live/filesystem.squashfs
#   C/  a busybox shell hook (archiso-like: insmod, findfs, loop, overlayfs, switch_root), medium B
#   F/  floor-init.c: the fewest system calls from medium B to the root's init
# Prints KVER=, VMLINUZ=, TREE= (the kernel's modules) and DIR= (the folder above).
source "$(dirname "$0")/lib.sh"
lock_peers
kernel=$(bash "$PEERS_SRC/kernel.sh") || die "no kernel"
KVER=$(sed -n 's/^KVER=//p' <<<"$kernel"); TREE=$(sed -n 's/^TREE=//p' <<<"$kernel")
MODS=$TREE/lib/modules/$KVER
B=$PEERS/bench; mkdir -p "$B"
LIVE_UUID=2b5e0c7a-6a1c-4d2e-9f3b-1c2d3e4f5a6b   # the LiveOS overlay's name holds the medium's UUID

# build TARGET RECIPE FUNCTION: FUNCTION makes TARGET.new (a folder), unless TARGET is built from RECIPE already
build() {
  local target=$1 recipe=$2 fn=$3
  is_built "$target" "$recipe" && return 0
  say "bench: $(basename "$target") ($fn)"
  remove_tree "$target.new"; mkdir -p "$target.new"
  set +e; ( set -e; "$fn" "$target.new" ) >"$target.log" 2>&1; local rc=$?; set -e
  [ $rc -eq 0 ] || die "bench: $fn failed (log: $target.log)"
  remove_tree "$target"; mv "$target.new" "$target"; mark_built "$target" "$recipe"
}

# in a throw-away overlay of a cached chroot with the kernel bound: COMMAND (which writes /tmp/initrd.img)
initrd_in() {  # CHROOT OUT COMMAND...
  local c=$1 out=$2 o=$B/work; shift 2
  overlay_up "$c" "$o"; kernel_into "$o/root" "$TREE" "$KVER"; chroot_mount "$o/root"
  in_chroot "$o/root" "$@" && cp "$o/root/tmp/initrd.img" "$out"
  local rc=$?
  overlay_down "$o"
  return $rc
}

# ext4 "LIVE" from a tree, on an MBR disk (1 MiB aligned, one 0x83 partition)
medium() {  # OUT TREE [mkfs.ext4 options...]
  local out=$1 tree=$2; shift 2
  mkfs.ext4 -q -F -L LIVE "$@" -d "$tree" "$out.part" 400M
  mbr_disk "$out" "$out.part"; rm -f "$out.part"
}

make_root() {
  local d=$1 r=$1/tree t=$1/rootfsimg
  cp -a "$MINBASE" "$r"; rm -f "$r/sbin/init"; install -m 755 "$PEERS_SRC/bench-init.sh" "$r/sbin/init"
  rm -f "$r/usr/sbin/policy-rc.d" "$r/etc/apt/apt.conf.d/99nocheck"     # the chroots' settings, not the root's
  echo bench-live >"$r/etc/hostname"
  mksquashfs "$r" "$d/direct.sqfs" -comp zstd -noappend -quiet
  mkdir -p "$t/LiveOS"; mkfs.ext4 -q -F -L Anaconda -d "$r" "$t/LiveOS/rootfs.img" 400M
  mksquashfs "$t" "$d/rootfsimg.sqfs" -comp zstd -noappend -quiet
  rm -rf --one-file-system "$r" "$t"
}

make_dracut() {
  local d=$1 t=$1/tree
  initrd_in "$CHROOT_DRACUT" "$d/initrd-dracut.img" \
    dracut --force --no-hostonly --kver "$KVER" --add dmsquash-live /tmp/initrd.img || return 1
  for kind in direct rootfsimg dmpersist ovlpersist; do
    rm -rf "$t"; mkdir -p "$t/LiveOS"
    case $kind in direct | ovlpersist) cp "$ROOTS/direct.sqfs" "$t/LiveOS/squashfs.img" ;;
      *) cp "$ROOTS/rootfsimg.sqfs" "$t/LiveOS/squashfs.img" ;; esac
    case $kind in
      dmpersist) truncate -s 256M "$t/LiveOS/overlay-LIVE-$LIVE_UUID" ;;          # blank: a new persistent COW
      ovlpersist) mkdir -p "$t/LiveOS/overlay-LIVE-$LIVE_UUID" "$t/LiveOS/ovlwork" ;;
    esac
    medium "$d/disk-$kind.img" "$t" -U "$LIVE_UUID"
  done
  rm -rf "$t"
}

make_liveboot() {
  local d=$1 t=$1/tree
  initrd_in "$CHROOT_LIVEBOOT" "$d/initrd-liveboot.img" mkinitramfs -o /tmp/initrd.img "$KVER" || return 1
  mkdir -p "$t/live"; cp "$ROOTS/direct.sqfs" "$t/live/filesystem.squashfs"
  medium "$d/disk-live.img" "$t"; rm -rf "$t"
}

# modules in modules.dep order, dependencies first: the paths (relative to MODS) of NAMEs and what they need
module_order() {
  awk -v want="$*" '
    { n = $1; sub(/:$/, "", n); m = n; sub(/.*\//, "", m); sub(/\.ko.*/, "", m); gsub("-", "_", m)
      path[m] = n; deps[n] = ""; for (i = 2; i <= NF; i++) deps[n] = deps[n] " " $i }
    function add(p,   a, i, k) { if (p in seen) return; seen[p] = 1
      k = split(deps[p], a, " "); for (i = 1; i <= k; i++) add(a[i]); print p }
    END { k = split(want, w, " "); for (i = 1; i <= k; i++) if (w[i] in path) add(path[w[i]]) }' "$MODS/modules.dep"
}

make_busybox() {
  local d=$1 r=$1/initramfs m mods=""
  mkdir -p "$r"/{bin,dev,proc,sys,run,newroot,lib/modules}
  cp "$(command -v busybox)" "$r/bin/busybox"
  # every applet but busybox itself (a bin/busybox -> busybox link would loop: ELOOP as /init)
  for a in $("$r/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"; done
  for m in $(module_order virtio_pci virtio_blk loop squashfs overlay); do
    cp "$MODS/$m" "$r/lib/modules/"; mods="$mods ${m##*/}"
  done
  cat >"$r/init" <<EOF
#!/bin/sh
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
for m in$mods; do insmod /lib/modules/\$m || echo "insmod \$m failed"; done
i=0
until dev=\$(findfs LABEL=LIVE 2>/dev/null); do
  i=\$((i + 1)); [ \$i -gt 1000 ] && { echo "LABEL=LIVE not found"; exec sh; }
  usleep 10000
done
mount -t tmpfs -o mode=0755 run /run
mkdir -p /run/live/medium /run/live/rootfs /run/live/overlay
mount -t ext4 -o ro \$dev /run/live/medium
mount -t squashfs -o ro,loop /run/live/medium/live/filesystem.squashfs /run/live/rootfs
mount -t tmpfs -o mode=0755 cow /run/live/overlay
mkdir -p /run/live/overlay/upper /run/live/overlay/work
o=/run/live/overlay
mount -t overlay overlay -o lowerdir=/run/live/rootfs,upperdir=\$o/upper,workdir=\$o/work /newroot
for m in run dev proc sys; do mount --move /\$m /newroot/\$m; done
exec switch_root /newroot /sbin/init
EOF
  chmod 755 "$r/init"
  (cd "$r" && find . | cpio -o -H newc --quiet | gzip -9) >"$d/initrd-busybox.img"
  rm -rf "$r"
}

make_floor() {
  local d=$1 r=$1/initramfs i=10 m
  mkdir -p "$r"/{proc,sys,dev,mods}
  gcc -O2 -static -DMEDIUM_LABEL='"LIVE"' -DMEDIUM_IMAGE='"live/filesystem.squashfs"' -o "$r/init" \
    "$PEERS_SRC/floor-init.c"
  for m in $(module_order virtio_blk virtio_pci loop squashfs overlay crc32c_generic ext4); do
    cp "$MODS/$m" "$r/mods/$i-${m##*/}"; i=$((i + 1))
  done
  (cd "$r" && find . | cpio -o -H newc --quiet | gzip -1) >"$d/initrd-floor.img"
  rm -rf "$r"
}

MINBASE=$(bash "$PEERS_SRC/chroot.sh" minbase)
CHROOT_DRACUT=$(bash "$PEERS_SRC/chroot.sh" dracut)
CHROOT_LIVEBOOT=$(bash "$PEERS_SRC/chroot.sh" liveboot)
ROOTS=$B/root
kr=$(cat "$TREE.recipe")
build "$ROOTS" "$(recipe_of "$(cat "$MINBASE.recipe")" "$PEERS_SRC/bench-init.sh" "$(declare -f make_root)")" make_root
rr=$(cat "$ROOTS.recipe")
build "$B/A" "$(recipe_of "$rr" "$kr" "$(cat "$CHROOT_DRACUT.recipe")" "$(declare -f make_dracut medium)")" make_dracut
build "$B/B" "$(recipe_of "$rr" "$kr" "$(cat "$CHROOT_LIVEBOOT.recipe")" "$(declare -f make_liveboot medium)")" \
  make_liveboot
build "$B/C" "$(recipe_of "$kr" "$(declare -f make_busybox module_order)" "$(busybox | head -1)")" make_busybox
build "$B/F" "$(recipe_of "$kr" "$PEERS_SRC/floor-init.c" "$(declare -f make_floor module_order)")" make_floor
echo "KVER=$KVER"
echo "VMLINUZ=$(sed -n 's/^VMLINUZ=//p' <<<"$kernel")"
echo "TREE=$TREE"
echo "DIR=$B"
