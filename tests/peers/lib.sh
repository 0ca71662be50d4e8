# The peers' shared part (sourced by the other files here): where the cache lives, recipes that say whether a
# cached build still matches what built it, chroot and overlay helpers.
#
# Cache: ${LIVEINIT_CACHE:-<repo>/.cache}/peers (git-ignored). Every cached thing T has a file T.recipe holding
# a hash of what made it (package list, script text, inputs); a different hash rebuilds T, the same one reuses it.
# Nothing here deletes a folder that still has something mounted below it (rm --one-file-system, and every mount
# under a chroot is undone first), so a run killed half way cannot take the host's /dev with it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PEERS_SRC=$ROOT/tests/peers
PEERS=${LIVEINIT_CACHE:-$ROOT/.cache}/peers
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# the peers' kernel: Debian's cloud flavour (virtio built for QEMU, 4x fewer modules than the generic one)
PEER_KERNEL=${PEER_KERNEL:-linux-image-6.1.0-56-cloud-amd64}
mkdir -p "$PEERS"

say() { echo "peers: $*" >&2; }
die() { echo "peers: $*" >&2; exit 1; }

# recipe_of INPUT...: a short hash of the inputs; an input that names a file or folder counts by its content
recipe_of() {
  local x
  for x in "$@"; do
    if [ -d "$x" ]; then (cd "$x" && find . -type f -print0 | sort -z | xargs -0r sha256sum)
    elif [ -f "$x" ]; then sha256sum <"$x"
    else printf '%s\n' "$x"; fi
  done | sha256sum | cut -c1-16
}
is_built() { [ -e "$1" ] && [ "$(cat "$1.recipe" 2>/dev/null)" = "$2" ]; }   # TARGET RECIPE
mark_built() { echo "$2" >"$1.recipe"; }                                     # TARGET RECIPE

# one builder at a time per cache (the bench and the hook test may share it)
lock_peers() { [ -n "${PEERS_LOCKED:-}" ] && return 0; exec 8>"$PEERS/.lock"; flock 8; export PEERS_LOCKED=1; }

# every mount at or below DIR, deepest first, then the folder itself if asked
umount_below() {
  local d m
  d=$(realpath -m "$1")
  awk -v p="$d" '{ m = $2; gsub(/\\040/, " ", m); if (m == p || index(m, p "/") == 1) print m }' /proc/self/mounts \
    | sort -r | while IFS= read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
}
remove_tree() {  # DIR: unmount whatever is below it, then delete it without crossing into another filesystem
  [ -e "$1" ] || return 0
  umount_below "$1"
  rm -rf --one-file-system "$1"
}

chroot_mount() {  # DIR: the kernel filesystems a package script or an initramfs builder needs
  local d=$1
  mountpoint -q "$d/proc" || mount -t proc proc "$d/proc"
  mountpoint -q "$d/sys" || mount -t sysfs sys "$d/sys"
  mountpoint -q "$d/dev" || mount --bind /dev "$d/dev"
  mountpoint -q "$d/dev/pts" || mount --bind /dev/pts "$d/dev/pts"
}
in_chroot() {  # DIR COMMAND...: a clean environment, nothing from the caller's
  local d=$1; shift
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive chroot "$d" "$@"
}

# overlay_up LOWER DIR: a throw-away writable view of a cached chroot at DIR/root (changes go to DIR/upper)
overlay_up() {
  local lower=$1 d=$2
  remove_tree "$d"; mkdir -p "$d/upper" "$d/work" "$d/root"
  mount -t overlay overlay -o "lowerdir=$lower,upperdir=$d/upper,workdir=$d/work" "$d/root"
}
overlay_down() { remove_tree "$1"; }

# mbr_disk OUT PART.img...: a raw disk with an MBR, one type-0x83 partition per image, 1 MiB aligned, the same
# layout as the peers' medium (sfdisk on a file and dd, no loop device)
mbr_disk() {
  local out=$1 p sz start=1 script="label: dos"$'\n'; shift
  for p in "$@"; do
    sz=$(( ($(stat -c %s "$p") + 1048575) / 1048576 ))
    script+="start=${start}MiB, size=${sz}MiB, type=83"$'\n'; start=$((start + sz))
  done
  rm -f "$out"; truncate -s $((start + 1))M "$out"
  sfdisk -q "$out" <<<"$script" >/dev/null
  start=1
  for p in "$@"; do
    dd if="$p" of="$out" bs=1M seek="$start" conv=notrunc,sparse status=none
    start=$((start + ($(stat -c %s "$p") + 1048575) / 1048576))
  done
}

# kernel_into ROOT TREE KVER: the kernel tree of kernel.sh seen by a chroot as an installed kernel (modules bound
# read-only at /lib/modules/KVER, the config in /boot); undone by umount_below ROOT
kernel_into() {
  local r=$1 t=$2 k=$3
  mkdir -p "$r/lib/modules/$k" "$r/boot"
  mount --bind "$t/lib/modules/$k" "$r/lib/modules/$k"
  mount -o remount,bind,ro "$r/lib/modules/$k"
  cp "$t/boot/config-$k" "$t/boot/System.map-$k" "$r/boot/" 2>/dev/null || true
}
