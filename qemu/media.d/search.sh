# internal-dirty.img: an ext4 disk nobody names ("INTERNAL"), whose journal is marked as needing recovery: a
# plain read-only mount would replay it and so write to the disk; only a look-only mount (noload) leaves it as is.
T=$W/tree-internal; mkdir -p "$T/data"; echo "an internal disk nobody named" > "$T/data/readme"
rm -f "$OUT/internal-dirty.img"
mkfs.ext4 -q -F -L INTERNAL -d "$T" "$OUT/internal-dirty.img" 16M 2>&1 | grep -v "^Creating regular file" || true
debugfs -w -R "feature needs_recovery" "$OUT/internal-dirty.img" >/dev/null 2>&1
