# The media of the layout contracts (tests/boot/scenarios.d/layout.sh). A "layout" root: the busybox test root with
# qemu/layoutroot-init.sh as /sbin/init (it prints LAYOUT-* markers, then runs the test root's own init), plus
# liveinit, curl (with its libraries) and a test CA for the https step.
#   layout-antix.img    ext4 LABEL="q'$(touch /x)" (hostile on purpose): antiX/linuxfs, antiX/linuxfs.new
#   layout-srcd5.img    ext4 "SRCD5L": /sysrcd.dat;  layout-bs.img: ext4 "LBSTORE" holding /sysrcd.bs
#   layout-arch.img     ext4 "ARCHX": myrescue/x86_64/airootfs.sfs, myrescue/layout.srm
#   layout-losext.img   ext4 "LOSEXT": LiveOS/rootfs.img (ext4, uncompressed) and LiveOS/home.img
#   layout-loserofs.img ext4 "LOSEROFS": LiveOS/rootfs.img as erofs
#   layout-dev.sfs      the squashfs root itself as a disk;  layout-dev-ext.img: ext4 "DEVEXT" that is the root
#   layout-tls/         tls.srm and self.srm, and the certificates of the https servers (made here)
LR=$W/root-layout; rm -rf "$LR"; cp -a "$R" "$LR"
mv "$LR/sbin/init" "$LR/sbin/init-test"; install -m 755 "$HERE/layoutroot-init.sh" "$LR/sbin/init"
mkdir -p "$LR/usr/bin" "$LR/lib/modules/layout" "$LR/etc/ssl/certs" "$LR/var/lib/pacman/local/bash-5.2-1"
printf "%%NAME%%\nbash\n\n%%VERSION%%\n5.2-1\n" > "$LR/var/lib/pacman/local/bash-5.2-1/desc"   # a package of the image
install -m 755 "$HERE/../artifacts/liveinit" "$LR/usr/bin/liveinit"
layout_copy_bin() {  # a host binary and every shared library ldd names, at the same paths
  local b; b=$(command -v "$1") || { echo "media.d/layout.sh: $1 is not installed on this host" >&2; return 1; }
  cp -L "$b" "$LR/usr/bin/$1"
  ldd "$b" | awk '/=> \// {print $3} /^[ \t]*\// {print $1}' | while read -r lib; do
    mkdir -p "$LR$(dirname "$lib")"; [ -e "$LR$lib" ] || cp -L "$lib" "$LR$lib"
  done
}
layout_copy_bin curl
LKMOD=$(bash "$HERE/kernel.sh" 2>/dev/null | sed -n 's/^MODULES=//p') || true
for m in failover net_failover virtio_net; do
  f=$(find "$LKMOD/kernel" -name "$m.ko" -print -quit 2>/dev/null || true); [ -n "$f" ] && cp "$f" "$LR/lib/modules/layout/"
done
# a test CA the guest trusts (its only one), a server certificate it signed for 10.0.2.2, a self-signed one
TLS=$OUT/layout-tls; rm -rf "$TLS"; mkdir -p "$TLS"
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=LiveInit test CA" -keyout "$TLS/ca.key" \
  -out "$TLS/ca.crt" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=10.0.2.2" -keyout "$TLS/good.key" -out "$W/good.csr" 2>/dev/null
printf 'subjectAltName=IP:10.0.2.2\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$W/good.ext"
openssl x509 -req -in "$W/good.csr" -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" -CAcreateserial -days 3650 \
  -extfile "$W/good.ext" -out "$TLS/good.crt" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=10.0.2.2" -addext "subjectAltName=IP:10.0.2.2" \
  -keyout "$TLS/self.key" -out "$TLS/self.crt" 2>/dev/null
cp "$TLS/ca.crt" "$LR/etc/ssl/certs/ca-certificates.crt"
mkdir -p "$TLS/www"
S=$W/srm-tls; rm -rf "$S"; mkdir -p "$S/etc"; echo "loaded over https" > "$S/etc/layout-tls"
mksquashfs "$S" "$TLS/www/tls.srm" -noappend -quiet -all-root >/dev/null
rm -rf "$S"; mkdir -p "$S/etc"; echo "self-signed" > "$S/etc/layout-self"
mksquashfs "$S" "$TLS/www/self.srm" -noappend -quiet -all-root >/dev/null
S=$W/srm-layout; rm -rf "$S"; mkdir -p "$S/etc"; echo "from-layout-srm" > "$S/etc/liveinit-srm-marker"
mksquashfs "$S" "$W/layout.srm" -noappend -quiet -all-root >/dev/null
mksquashfs "$LR" "$W/layout-root.sfs" -noappend -quiet -comp gzip -all-root >/dev/null
layout_ext4() {  # LABEL TREE IMG SIZE
  rm -f "$OUT/$3"; mkfs.ext4 -q -F -L "$1" -d "$2" "$OUT/$3" "$4" 2>&1 | grep -v "^Creating regular file" || true
}
T=$W/tree-layout-antix; mkdir -p "$T/antiX"
cp "$W/layout-root.sfs" "$T/antiX/linuxfs"; cp "$W/layout-root.sfs" "$T/antiX/linuxfs.new"
layout_ext4 "q'\$(touch /x)" "$T" layout-antix.img 48M
T=$W/tree-layout-srcd5; mkdir -p "$T"; cp "$W/layout-root.sfs" "$T/sysrcd.dat"; layout_ext4 SRCD5L "$T" layout-srcd5.img 32M
T=$W/tree-layout-bs; mkdir -p "$T"; mkfs.ext4 -q -F -L backstore "$T/sysrcd.bs" 16M >/dev/null 2>&1
layout_ext4 LBSTORE "$T" layout-bs.img 24M
T=$W/tree-layout-arch; mkdir -p "$T/myrescue/x86_64"; cp "$W/layout-root.sfs" "$T/myrescue/x86_64/airootfs.sfs"
cp "$W/layout.srm" "$T/myrescue/"; layout_ext4 ARCHX "$T" layout-arch.img 32M
T=$W/tree-layout-losext; mkdir -p "$T/LiveOS"
mkfs.ext4 -q -F -L rootfs -d "$LR" "$T/LiveOS/rootfs.img" 48M 2>&1 | grep -v "^Creating regular file" || true
mkfs.ext4 -q -F -L home "$T/LiveOS/home.img" 8M >/dev/null 2>&1
layout_ext4 LOSEXT "$T" layout-losext.img 96M
T=$W/tree-layout-loserofs; mkdir -p "$T/LiveOS"; mkfs.erofs "$T/LiveOS/rootfs.img" "$LR" >/dev/null 2>&1
layout_ext4 LOSEROFS "$T" layout-loserofs.img 48M
cp "$W/layout-root.sfs" "$OUT/layout-dev.sfs"; truncate -s %4096 "$OUT/layout-dev.sfs"
layout_ext4 DEVEXT "$LR" layout-dev-ext.img 48M
rm -rf "$LR" "$W"/tree-layout-* "$S" "$W/srm-tls" "$W/layout.srm" "$W/layout-root.sfs" "$W/good.csr" "$W/good.ext"
