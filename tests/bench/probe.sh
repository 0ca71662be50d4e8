#!/usr/bin/env bash
# Benchmark (not a test): identify the same image files with `liveinit probe` and with `blkid -p`, each
# in one process per file as an initramfs would, and print both times and the ratio.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$ROOT/artifacts/bench-probe; rm -rf "$W"; mkdir -p "$W"
N=${N:-8}
for i in $(seq 1 "$N"); do
  truncate -s 8M "$W/ext4-$i.img"; mkfs.ext4 -q -F -L "ext4 $i" "$W/ext4-$i.img"
  truncate -s 8M "$W/vfat-$i.img"; mkfs.vfat -n "VFAT$i" "$W/vfat-$i.img" >/dev/null
  d=$(mktemp -d); echo "$i" > "$d/f"; mksquashfs "$d" "$W/sq-$i.img" -quiet -noappend >/dev/null; rm -rf "$d"
done
[ -d /tmp/corpus ] || true
imgs=("$W"/*.img)
rounds=${ROUNDS:-20}
t() { local s=$(date +%s%N); for r in $(seq 1 "$rounds"); do for f in "${imgs[@]}"; do "$@" "$f" >/dev/null 2>&1 || true; done; done; echo $(( ($(date +%s%N) - s) / 1000000 )); }
li=$(t "$ROOT/artifacts/liveinit" probe)
bl=$(t blkid -p)
echo "images: ${#imgs[@]} x $rounds rounds, one process per image"
echo "liveinit probe: ${li} ms"
echo "blkid -p:       ${bl} ms"
awk -v a="$li" -v b="$bl" 'BEGIN { printf "ratio blkid/liveinit: %.2fx\n", b / a }'
s=$(date +%s%N); for r in $(seq 1 "$rounds"); do "$ROOT/artifacts/liveinit" probe "${imgs[@]}" >/dev/null; done; one=$(( ($(date +%s%N) - s) / 1000000 ))
s=$(date +%s%N); for r in $(seq 1 "$rounds"); do blkid -p "${imgs[@]}" >/dev/null 2>&1 || true; done; bone=$(( ($(date +%s%N) - s) / 1000000 ))
echo "all images in one process: liveinit ${one} ms, blkid ${bone} ms"
awk -v a="$one" -v b="$bone" 'BEGIN { printf "ratio blkid/liveinit (one process): %.2fx\n", b / a }'
