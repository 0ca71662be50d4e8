# antiX remaster crash matrix (tests/boot/scenarios.d/remaster.sh): the pieces its media are built from, in
# $OUT/remaster/ (sourced by mkmedia.sh; sees $W, $R, $OUT):
#   linuxfs-v1, -v2, -v3   the test root as squashfs, /etc/liveinit-variant = v1, v2, v3
#   rootfs-r1, rootfs-r2   ext4 root persistence files (labels root-r1, root-r2) whose upperdir holds
#                          /var/lib/liveinit-boots = 100 and 200: the boot counter tells which one was used
#   homefs                 a blank ext4 home persistence file
# The scenarios copy them into a folder, cut a transaction there with `liveinit remaster-step --stop-after N`,
# and make an ext4 disk of it.
RM=$OUT/remaster; rm -rf "$RM"; mkdir -p "$RM"
for v in v1 v2 v3; do
  echo "$v" > "$R/etc/liveinit-variant"
  mksquashfs "$R" "$RM/linuxfs-$v" -noappend -quiet -comp gzip -all-root >/dev/null
done
rm -f "$R/etc/liveinit-variant"
for r in r1:100 r2:200; do
  U=$W/rm-upper-${r%%:*}; rm -rf "$U"; mkdir -p "$U/upperdir/var/lib" "$U/workdir"
  echo "${r#*:}" > "$U/upperdir/var/lib/liveinit-boots"
  mkfs.ext4 -q -F -L "root-${r%%:*}" -d "$U" "$RM/rootfs-${r%%:*}" 16M 2>&1 | grep -v "^Creating regular file" || true
  rm -rf "$U"
done
mkfs.ext4 -q -F -L homefs "$RM/homefs" 8M >/dev/null 2>&1
