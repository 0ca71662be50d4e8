# Signatures (issue 12): an initramfs built with mkinitramfs --trust-key (an RSA-3072 and an EC P-256 key made
# by qemu/media.d/verify.sh) boots a signed image and its signed SRM, and refuses a tampered image, an unsigned
# one (the command line cannot weaken that) and SRMs whose signature is wrong or missing.
verify_initrd() {  # the initramfs with both keys trusted, built once
  local i=$OUT/initrd-verify.img m
  if [ ! -s "$i" ]; then
    m=$(bash "$HERE/../../qemu/kernel.sh" | sed -n 's/^MODULES=//p')
    "$HERE/../../artifacts/liveinit" mkinitramfs --modules-root "$m" --output "$i.$$" \
      --trust-key "$MEDIA/verify-rsa.pub" --trust-key "$MEDIA/verify-ec.pub" >"$OUT/initrd-verify.txt"
    mv "$i.$$" "$i"
  fi
  echo "$i"
}

verify_net_initrd() {  # the same keys, with NIC drivers and nbd (--net)
  local i=$OUT/initrd-verify-net.img m
  if [ ! -s "$i" ]; then
    m=$(bash "$HERE/../../qemu/kernel.sh" | sed -n 's/^MODULES=//p')
    "$HERE/../../artifacts/liveinit" mkinitramfs --modules-root "$m" --output "$i.$$" --net \
      --trust-key "$MEDIA/verify-rsa.pub" --trust-key "$MEDIA/verify-ec.pub" >"$OUT/initrd-verify-net.txt"
    mv "$i.$$" "$i"
  fi
  echo "$i"
}

s_verify_signed() {
  # signed image (ECDSA) copied to RAM and checked there; good.srm (RSA) stacked; evil.srm (a .sig of another
  # file) and nosig.srm refused by name, their files absent from the root. copytoram takes the SRMs and their
  # .sig files too (the medium can be removed), so the SRMs are checked in their RAM copy
  local d l=$OUT/verify-signed.log i
  i=$(verify_initrd); d=$(disk verify-signed verify.img)
  INITRD=$i "$BOOT" "$l" "$TMO" 'archisobasedir=signed archisolabel=SIGNED loadsrm copytoram=y' $(virtio "$d")
  expect verify/signed-image-accepted "$l" \
    'checking /run/liveinit/copytoram/airootfs.sfs against /run/archiso/bootmnt/signed/x86_64/airootfs.sfs.sig' \
    'airootfs.sfs: signature verified with trusted key verify-ec.pem \(ECDSA P-256, SHA-256 ' \
    'image /run/liveinit/copytoram/airootfs.sfs mounted' 'LIVEINIT-ROOT-REACHED'
  expect verify/signed-srm-accepted "$l" 'good.srm: signature verified with trusted key verify-rsa.pem \(RSA-3072' \
    'SRM good.srm mounted' 'SRM-PRESENT from-test-srm'
  expect verify/bad-srm-signature-refused "$l" \
    'SRM evil.srm refused: signature /run/liveinit/copytoram/srm-copy/signed/evil.srm.sig refused: it does not verify with any trusted key \(tried verify-ec.pem'
  expect verify/unsigned-srm-refused "$l" \
    'SRM nosig.srm refused: it has no signature /run/liveinit/copytoram/srm-copy/signed/nosig.srm.sig, and this initramfs trusts keys'
  refuse verify/refused-srms-not-mounted "$l" 'SRM evil.srm mounted' 'SRM nosig.srm mounted'
}

s_verify_tampered() {
  # one byte changed after signing: refused with the file and the keys named; no root
  local d l=$OUT/verify-tampered.log i
  i=$(verify_initrd); d=$(disk verify-tampered verify.img)
  INITRD=$i "$BOOT" "$l" "$TMO" 'archisobasedir=tampered archisolabel=SIGNED rd.emergency=poweroff' $(virtio "$d")
  expect verify/tampered-image-refused "$l" \
    'image /run/archiso/bootmnt/tampered/x86_64/airootfs.sfs refused: signature /run/archiso/bootmnt/tampered/x86_64/airootfs.sfs.sig refused: it does not verify with any trusted key \(tried verify-ec.pem \(ECDSA P-256, SHA-256 [0-9a-f]+.{1,3}\), verify-rsa.pem \(RSA-3072' \
    'reboot: Power down'
  refuse verify/tampered-image-no-root "$l" 'LIVEINIT-ROOT-REACHED' 'image .* mounted at'
}

s_verify_unsigned() {
  # no .sig: refused although the command line asks to allow it (only mkinitramfs --allow-unsigned can)
  local d l=$OUT/verify-unsigned.log i
  i=$(verify_initrd); d=$(disk verify-unsigned verify.img)
  INITRD=$i "$BOOT" "$l" "$TMO" 'archisobasedir=unsigned archisolabel=SIGNED liveinit.unsigned=allow rd.emergency=poweroff' \
    $(virtio "$d")
  expect verify/unsigned-image-refused "$l" 'liveinit.unsigned: cannot weaken the image.s policy' \
    'image /run/archiso/bootmnt/unsigned/x86_64/airootfs.sfs refused: it has no signature /run/archiso/bootmnt/unsigned/x86_64/airootfs.sfs.sig' \
    'reboot: Power down'
  refuse verify/unsigned-image-no-root "$l" 'LIVEINIT-ROOT-REACHED'
}

# NBD-backed roots (issue 12): nbdkit on 127.0.0.1 (the guest reaches it as 10.0.2.2), no disk at all; the
# initramfs is net.sh's --net one (NIC drivers and nbd).
nbd_serve() {  # NAME FILE EXPORT: nbdkit serves FILE read-only as EXPORT only; sets NBD_PID and NBD_PORT
  NBD_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  nbdkit -f --exit-with-parent -i 127.0.0.1 -p "$NBD_PORT" -r --filter=exportname --filter=stats file "$2" \
    exportname="$3" exportname-strict=true statsfile="$OUT/$1.nbdstats" statsappend=false </dev/null >"$OUT/$1.nbdkit.log" 2>&1 &
  NBD_PID=$!
  local i; for i in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$NBD_PORT") 2>/dev/null && break; sleep 0.1; done
}

s_nbd_dracut_squashfs() {
  # root=live:nbd://…: the export is the squashfs itself; it is mounted from /dev/nbd0, nothing copied to RAM
  local l=$OUT/nbd-dracut.log
  nbd_serve nbd-dracut "$MEDIA/net/www/LiveOS/squashfs.img" live
  INITRD=$(net_initrd) "$BOOT" "$l" "$TMO" "root=live:nbd://10.0.2.2:$NBD_PORT/live rd.live.image ip=dhcp" $(net_nic)
  kill "$NBD_PID" 2>/dev/null; wait "$NBD_PID" 2>/dev/null
  expect nbd/dracut-squashfs-export-is-the-root "$l" 'network: eth0 10.0.2.15/24' \
    "NBD: nbd://10.0.2.2:$NBD_PORT/live \\([0-9]+ MiB, read-only, block size [0-9]+, NBD_OPT_GO\\) is /dev/nbd0" \
    'the medium /dev/nbd0 is itself the image \(squashfs\): mounted at /run/initramfs/squashfs' \
    'LIVEINIT-ROOT-REACHED' 'NBD0-MOUNTS .*/run/initramfs/squashfs\(squashfs\)' 'LIVEINIT-ROOT-DONE'
  refuse nbd/dracut-squashfs-never-copied "$l" 'copying .* to RAM' 'fetching ' 'loop[0-9]'
  expect nbd/dracut-server-served-reads "$OUT/nbd-dracut.nbdstats" 'read: [1-9][0-9]* ops'
}

s_nbd_archiso_medium() {
  # archiso_nbd_srv= with the default export name "archiso": the export is a disk (ext4, arch/x86_64/airootfs.sfs)
  # that becomes the medium at /dev/nbd0; copytoram=n keeps the image on it (archiso would copy it otherwise)
  local l=$OUT/nbd-archiso.log d
  d=$(disk nbd-archiso spacelabel.img)
  nbd_serve nbd-archiso "$d" archiso
  INITRD=$(net_initrd) "$BOOT" "$l" "$TMO" "ip=dhcp archiso_nbd_srv=10.0.2.2:$NBD_PORT copytoram=n" $(net_nic)
  kill "$NBD_PID" 2>/dev/null; wait "$NBD_PID" 2>/dev/null
  expect nbd/archiso-export-is-the-medium "$l" \
    "NBD: nbd://10.0.2.2:$NBD_PORT/archiso \\([0-9]+ MiB, read-only, block size [0-9]+, NBD_OPT_GO\\) is /dev/nbd0" \
    'boot medium: /dev/nbd0: ext4 LABEL="LIVE DISK"' 'image /run/archiso/bootmnt/arch/x86_64/airootfs.sfs mounted' \
    'LIVEINIT-ROOT-REACHED' 'NBD0-MOUNTS .*/run/archiso/bootmnt\(ext4\)' 'LIVEINIT-ROOT-DONE'
  refuse nbd/archiso-not-copied "$l" 'copying .* to RAM'
}

s_verify_http_signed() {
  # an image and SRMs fetched over HTTP into RAM are checked against <url>.sig, fetched from the same server
  local l=$OUT/verify-http.log u
  net_httpd verify-http
  u=http://10.0.2.2:$NET_PORT/signed
  INITRD=$(verify_net_initrd) "$BOOT" "$l" "$TMO" "ip=dhcp archiso_http_srv=http://10.0.2.2:$NET_PORT/ archisobasedir=signed \
liveinit.srm=$u/evil.srm liveinit.srm=$u/good.srm" $(net_nic)
  kill "$NET_PID" 2>/dev/null
  expect verify/http-image-signature-fetched-and-verified "$l" \
    "checking /run/archiso/httpspace/airootfs.sfs against http://10.0.2.2:$NET_PORT/signed/x86_64/airootfs.sfs.sig" \
    "http://10.0.2.2:$NET_PORT/signed/x86_64/airootfs.sfs: signature verified with trusted key verify-rsa.pem \\(RSA-3072" \
    'LIVEINIT-ROOT-REACHED'
  expect verify/http-server-saw-the-sig-request "$OUT/verify-http.http.log" 'GET /signed/x86_64/airootfs.sfs.sig'
  expect verify/http-srms-good-accepted-bad-refused "$l" \
    "$u/good.srm: signature verified with trusted key verify-ec.pem" "SRM $u/good.srm mounted at" \
    "SRM $u/evil.srm refused: signature $u/evil.srm.sig refused: it does not verify with any trusted key" \
    'SRM-PRESENT from-test-srm'
  refuse verify/http-refused-srm-not-mounted "$l" "SRM $u/evil.srm mounted"
}

s_verify_https() {
  # the TLS agent (./build.sh tls, OpenSSL linked statically) fetches root=live:https://… from a server whose
  # certificate chains to a CA baked in by mkinitramfs --tls --ca-cert (with the host's trust store)
  local l=$OUT/verify-https.log i=$OUT/initrd-tls.img pf=$OUT/verify-https.port pid port m
  local agent=$HERE/../../artifacts/liveinit-tls
  if [ ! -x "$agent" ]; then echo "FAIL verify/https-root: $agent is missing (./build.sh tls)"; return; fi
  m=$(bash "$HERE/../../qemu/kernel.sh" | sed -n 's/^MODULES=//p')
  "$HERE/../../artifacts/liveinit" mkinitramfs --modules-root "$m" --output "$i" --agent "$agent" --tls \
    --ca-cert "$MEDIA/verify-ca.pem" >"$OUT/initrd-tls.txt"
  rm -f "$pf"
  python3 "$HERE/../verify/httpsd.py" "$MEDIA/net/www" "$MEDIA/verify-tls.pem" "$MEDIA/verify-tls.key" "$pf" \
    "$OUT/verify-https.http.log" </dev/null >/dev/null 2>&1 &
  pid=$!
  local n; for n in $(seq 100); do [ -s "$pf" ] && break; sleep 0.1; done
  port=$(cat "$pf")
  # on the host first: the TLS agent's fetch checks the chain (only the test CA trusts the server), the default
  # agent says it has no TLS
  local url=https://127.0.0.1:$port/LiveOS/squashfs.img r
  SSL_CERT_FILE=$MEDIA/verify-ca.pem "$agent" fetch "$url" "$OUT/https-ok.img" --quiet >"$OUT/https-ok.txt" 2>&1
  if cmp -s "$OUT/https-ok.img" "$MEDIA/net/www/LiveOS/squashfs.img"; then echo "PASS verify/https-fetch-trusted-ca"
  else echo "FAIL verify/https-fetch-trusted-ca: $(tail -2 "$OUT/https-ok.txt")"; fi
  r=0; SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt "$agent" fetch "$url" "$OUT/https-bad.img" --quiet \
    >"$OUT/https-bad.txt" 2>&1 || r=$?
  if [ "$r" != 0 ] && grep -q "TLS refused" "$OUT/https-bad.txt" && [ ! -s "$OUT/https-bad.img" ]; then
    echo "PASS verify/https-fetch-unknown-ca-refused"
  else echo "FAIL verify/https-fetch-unknown-ca-refused: exit $r, $(tail -2 "$OUT/https-bad.txt")"; fi
  r=0; "$HERE/../../artifacts/liveinit" fetch "$url" "$OUT/https-none.img" --quiet >"$OUT/https-none.txt" 2>&1 || r=$?
  if [ "$r" != 0 ] && grep -q "this agent has no TLS" "$OUT/https-none.txt"; then echo "PASS verify/https-default-agent-has-no-tls"
  else echo "FAIL verify/https-default-agent-has-no-tls: exit $r, $(tail -2 "$OUT/https-none.txt")"; fi
  INITRD=$i "$BOOT" "$l" "$TMO" "root=live:https://10.0.2.2:$port/LiveOS/squashfs.img rd.live.image ip=dhcp" $(net_nic)
  kill "$pid" 2>/dev/null
  expect verify/https-root-fetched-with-certificate-check "$l" "fetching https://10.0.2.2:$port/LiveOS/squashfs.img" \
    'fetched [0-9.]+ [KMG]iB' 'image /run/liveinit/netimage/squashfs.img mounted' 'LIVEINIT-ROOT-REACHED'
  expect verify/https-server-saw-the-get "$OUT/verify-https.http.log" 'GET /LiveOS/squashfs.img'
}
