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

source "$PEERS_SRC/floor-peers.sh"   # module_order, make_busybox, make_floor (also used for other kernels)

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
