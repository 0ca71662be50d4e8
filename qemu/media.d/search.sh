# internal-dirty.img: an ext4 disk nobody names ("INTERNAL"), whose journal is marked as needing recovery: a
# plain read-only mount would replay it and so write to the disk; only a look-only mount (noload) leaves it as is.
T=$W/tree-internal; mkdir -p "$T/data"; echo "an internal disk nobody named" > "$T/data/readme"
rm -f "$OUT/internal-dirty.img"
mkfs.ext4 -q -F -L INTERNAL -d "$T" "$OUT/internal-dirty.img" 16M 2>&1 | grep -v "^Creating regular file" || true
debugfs -w -R "feature needs_recovery" "$OUT/internal-dirty.img" >/dev/null 2>&1
# srmlink.img: ext4 "SRMLINK" with arch/x86_64/airootfs.sfs, a good arch/test.srm and arch/evil.srm, a symlink
# to the second disk's device node (the unnamed internal disk): the link must be refused, the good SRM mounted
T=$W/tree-srmlink; mkdir -p "$T/arch/x86_64"; cp "$W/airootfs.sfs" "$T/arch/x86_64/"; cp "$W/test.srm" "$T/arch/"
ln -s /dev/vdb "$T/arch/evil.srm"
rm -f "$OUT/srmlink.img"
mkfs.ext4 -q -F -L SRMLINK -d "$T" "$OUT/srmlink.img" 24M 2>&1 | grep -v "^Creating regular file" || true
