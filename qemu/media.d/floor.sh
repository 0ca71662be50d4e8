# Media of the floor scenarios (tests/boot/scenarios.d/floor.sh); sourced by mkmedia.sh with $W $R $OUT $HERE.
#   floor.img  ext4 "FLOOR": arch/x86_64/airootfs.sfs = the test root plus /usr/bin/liveinit, whose /sbin/init
#              prints `liveinit analyze` (between ANALYZE-BEGIN and ANALYZE-END) and every module in
#              /proc/modules (MODULE-LOADED name) and the kmsg timing lines (KMSG-timing: …), then runs the test
#              root's init
FR=$W/root-floor; rm -rf "$FR"; cp -a "$R" "$FR"
mkdir -p "$FR/usr/bin"; install -m 755 "$HERE/../artifacts/liveinit" "$FR/usr/bin/liveinit"
mv "$FR/sbin/init" "$FR/sbin/init.test"
cat > "$FR/sbin/init" <<'SH'
#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
echo ANALYZE-BEGIN; liveinit analyze; echo "ANALYZE-EXIT=$?"; liveinit analyze time; echo ANALYZE-END
dmesg | grep -a 'liveinit: timing:' | sed 's/^.*liveinit: /KMSG-/'
awk '{print "MODULE-LOADED " $1}' /proc/modules
exec /sbin/init.test "$@"
SH
chmod 755 "$FR/sbin/init"
T=$W/tree-floor; mkdir -p "$T/arch/x86_64"
mksquashfs "$FR" "$T/arch/x86_64/airootfs.sfs" -noappend -quiet -comp gzip -all-root >/dev/null
rm -f "$OUT/floor.img"; mkfs.ext4 -q -F -L FLOOR -d "$T" "$OUT/floor.img" 24M 2>&1 | grep -v "^Creating regular file" || true
rm -rf "$FR"
