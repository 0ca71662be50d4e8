#!/usr/bin/env bash
# The two floor peers of the boot benchmark: the busybox shell hook (C) and floor-init.c (F), for any kernel.
# Sourced by bench.sh (the cloud kernel's, cached with the other peers); run on its own it builds both for another
# kernel (the benchmark's generic kernel) into OUT:
#   floor-peers.sh TREE KVER OUT     (TREE holds lib/modules/KVER with modules.dep)  ->  OUT/C/initrd-busybox.img,
#                                                                                       OUT/F/initrd-floor.img

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
  for m in $(module_order virtio_pci virtio_blk loop squashfs overlay crc32c_generic ext4); do   # ext4: a module on generic
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

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  TREE=$1 KVER=$2 OUT=$3; MODS=$TREE/lib/modules/$KVER; PEERS_SRC=$(cd "$(dirname "$0")" && pwd)
  mkdir -p "$OUT/C" "$OUT/F"; rm -rf "$OUT/C/initramfs" "$OUT/F/initramfs"
  make_busybox "$OUT/C"; make_floor "$OUT/F"
  echo "C=$OUT/C/initrd-busybox.img"; echo "F=$OUT/F/initrd-floor.img"
fi
