# Media for the signature scenarios (tests/boot/scenarios.d/verify.sh); sourced by mkmedia.sh with $W $R $OUT.
# Keys are made here with the openssl CLI (fresh each build): verify-rsa.{key,pub} (RSA-3072) and
# verify-ec.{key,pub} (EC P-256), the .pub files are what the scenarios give to mkinitramfs --trust-key.
#   verify.img   ext4 "SIGNED", three SystemRescue-style base folders:
#     signed/x86_64/airootfs.sfs + .sig (ECDSA P-256, SHA-256); signed/good.srm + .sig (RSA, SHA-256);
#     signed/evil.srm + .sig (an SRM whose .sig was made for good.srm); signed/nosig.srm (no .sig at all)
#     tampered/x86_64/airootfs.sfs: the signed image with one byte changed in the padding after the squashfs
#       (still mountable), beside the original's .sig
#     unsigned/x86_64/airootfs.sfs: the image without a .sig
V=$W/verify; rm -rf "$V"; mkdir -p "$V"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$OUT/verify-rsa.key" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$OUT/verify-ec.key" 2>/dev/null
openssl pkey -in "$OUT/verify-rsa.key" -pubout -out "$OUT/verify-rsa.pub"
openssl pkey -in "$OUT/verify-ec.key" -pubout -out "$OUT/verify-ec.pub"
T=$V/tree; mkdir -p "$T/signed/x86_64" "$T/tampered/x86_64" "$T/unsigned/x86_64"
cp "$W/airootfs.sfs" "$T/signed/x86_64/airootfs.sfs"
openssl dgst -sha256 -sign "$OUT/verify-ec.key" -out "$T/signed/x86_64/airootfs.sfs.sig" "$T/signed/x86_64/airootfs.sfs"
cp "$W/test.srm" "$T/signed/good.srm"
openssl dgst -sha256 -sign "$OUT/verify-rsa.key" -out "$T/signed/good.srm.sig" "$T/signed/good.srm"
S=$V/evil; mkdir -p "$S/etc"; echo "from-evil-srm" > "$S/etc/liveinit-evil-marker"
mksquashfs "$S" "$T/signed/evil.srm" -noappend -quiet -comp gzip -all-root >/dev/null
cp "$T/signed/good.srm.sig" "$T/signed/evil.srm.sig"
S=$V/nosig; mkdir -p "$S/etc"; echo "from-unsigned-srm" > "$S/etc/liveinit-nosig-marker"
mksquashfs "$S" "$T/signed/nosig.srm" -noappend -quiet -comp gzip -all-root >/dev/null
# one byte flipped in the last (padding) byte: the squashfs still mounts, only the signature can tell
cp "$T/signed/x86_64/airootfs.sfs" "$T/tampered/x86_64/airootfs.sfs"
cp "$T/signed/x86_64/airootfs.sfs.sig" "$T/tampered/x86_64/airootfs.sfs.sig"
size=$(stat -c %s "$T/tampered/x86_64/airootfs.sfs")
printf '\x5a' | dd of="$T/tampered/x86_64/airootfs.sfs" bs=1 seek=$((size - 1)) conv=notrunc status=none
cp "$W/airootfs.sfs" "$T/unsigned/x86_64/airootfs.sfs"
rm -f "$OUT/verify.img"; mkfs.ext4 -q -F -L SIGNED -d "$T" "$OUT/verify.img" 24M 2>&1 | grep -v "^Creating regular file" || true
rm -rf "$V"
# served over HTTP too (net.sh made $OUT/net/www first): net/www/signed/x86_64/airootfs.sfs with its .sig
if [ -d "$OUT/net/www" ]; then
  mkdir -p "$OUT/net/www/signed/x86_64"
  cp "$W/airootfs.sfs" "$OUT/net/www/signed/x86_64/airootfs.sfs"
  openssl dgst -sha256 -sign "$OUT/verify-rsa.key" -out "$OUT/net/www/signed/x86_64/airootfs.sfs.sig" \
    "$OUT/net/www/signed/x86_64/airootfs.sfs"
  # SRMs over HTTP: good.srm signed (EC), evil.srm carrying good.srm's signature
  cp "$W/test.srm" "$OUT/net/www/signed/good.srm"
  openssl dgst -sha256 -sign "$OUT/verify-ec.key" -out "$OUT/net/www/signed/good.srm.sig" "$OUT/net/www/signed/good.srm"
  S=$W/verify-evil; rm -rf "$S"; mkdir -p "$S/etc"; echo "from-evil-srm" > "$S/etc/liveinit-evil-marker"
  mksquashfs "$S" "$OUT/net/www/signed/evil.srm" -noappend -quiet -comp gzip -all-root >/dev/null; rm -rf "$S"
  cp "$OUT/net/www/signed/good.srm.sig" "$OUT/net/www/signed/evil.srm.sig"
fi
# https (the TLS agent): a test CA and a certificate for 10.0.2.2 (the host as the guest sees it) signed by it
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$OUT/verify-ca.key" \
  -out "$OUT/verify-ca.pem" -subj /CN=LiveInit-test-CA -days 7 -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$OUT/verify-tls.key" -out "$W/verify-tls.csr" \
  -subj /CN=10.0.2.2 2>/dev/null
printf 'subjectAltName=IP:10.0.2.2,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$W/verify-tls.ext"
openssl x509 -req -in "$W/verify-tls.csr" -CA "$OUT/verify-ca.pem" -CAkey "$OUT/verify-ca.key" -CAcreateserial \
  -out "$OUT/verify-tls.pem" -days 7 -extfile "$W/verify-tls.ext" 2>/dev/null
rm -f "$W/verify-tls.csr" "$W/verify-tls.ext"
