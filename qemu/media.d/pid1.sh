# Media for the PID 1 fault scenarios (tests/boot/scenarios.d/pid1.sh); sourced by mkmedia.sh with $W $R $OUT.
#   pid1.img      ext4 "PID1TEST": arch/x86_64/airootfs.sfs = the test root plus /etc/hostname (0644, not
#                 executable), /sbin/broken-elf (an ELF header and junk: execve fails with ENOEXEC) and a 32 MiB
#                 random /var/filler (never read at boot; the copy-to-RAM I/O error lands in it);
#                 noinit/x86_64/airootfs.sfs = a root with no init at all
#   pid1-eio.blkdebug   QEMU blkdebug rules: EIO on a sector in the middle of /var/filler inside pid1.img
#   bigram.img    ext4 "BIGRAM": arch/x86_64/airootfs.sfs = the test root padded with zeros to 640 MiB (sparse
#                 on the host), more than a 512 MiB guest can hold in RAM
P=$W/root-pid1; rm -rf "$P"; cp -a "$R" "$P"
echo liveinit-test > "$P/etc/hostname"; chmod 644 "$P/etc/hostname"
{ printf '\177ELF'; head -c 60 /dev/zero; } > "$P/sbin/broken-elf"; chmod 755 "$P/sbin/broken-elf"
head -c $((32 * 1024 * 1024)) /dev/urandom > "$P/var/filler"
T=$W/tree-pid1; mkdir -p "$T/arch/x86_64" "$T/noinit/x86_64" "$W/root-noinit/etc"
mksquashfs "$P" "$T/arch/x86_64/airootfs.sfs" -noappend -quiet -comp gzip -all-root >/dev/null
echo "no init here" > "$W/root-noinit/etc/motd"
mksquashfs "$W/root-noinit" "$T/noinit/x86_64/airootfs.sfs" -noappend -quiet -comp gzip -all-root >/dev/null
rm -f "$OUT/pid1.img"; mkfs.ext4 -q -F -L PID1TEST -d "$T" "$OUT/pid1.img" 48M 2>&1 | grep -v "^Creating regular file" || true
# the disk sector holding the middle of /var/filler: find the filler's bytes in the squashfs (random data is
# stored uncompressed), then the squashfs file's block on the ext4 disk
python3 - "$P/var/filler" "$T/arch/x86_64/airootfs.sfs" >"$W/pid1-filler-offset" <<'PY'
import sys
filler = open(sys.argv[1], 'rb').read(); sfs = open(sys.argv[2], 'rb').read()
mid = len(filler) // 2; at = sfs.find(filler[mid:mid + 4096])
if at < 0: sys.exit("the filler is not stored verbatim in the squashfs")
print(at)
PY
bs=$(dumpe2fs -h "$OUT/pid1.img" 2>/dev/null | awk -F: '/^Block size/ {gsub(/ /, "", $2); print $2}')
off=$(cat "$W/pid1-filler-offset")
pblk=$(debugfs -R "bmap /arch/x86_64/airootfs.sfs $((off / bs))" "$OUT/pid1.img" 2>/dev/null)
printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "%s"\nonce = "off"\n' $((pblk * bs / 512)) > "$OUT/pid1-eio.blkdebug"
# bigram.img: the image is 640 MiB (zeros after the squashfs, which the kernel ignores past bytes_used)
T=$W/tree-bigram; mkdir -p "$T/arch/x86_64"; cp "$W/airootfs.sfs" "$T/arch/x86_64/"
truncate -s 640M "$T/arch/x86_64/airootfs.sfs"
rm -f "$OUT/bigram.img"; mkfs.ext4 -q -F -L BIGRAM -d "$T" "$OUT/bigram.img" 700M 2>&1 | grep -v "^Creating regular file" || true
rm -rf "$P" "$W/root-noinit" "$W/pid1-filler-offset"
