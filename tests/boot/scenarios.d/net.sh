# Network boot scenarios (sourced by ../scenarios.sh): QEMU with NO disk, user networking only. The image comes
# from tests/net/httpd.py bound to 127.0.0.1 on a free port (the guest reaches it as 10.0.2.2); DHCP and TFTP
# are QEMU's own (10.0.2.2). The initramfs is the default one plus NIC drivers (mkinitramfs --net).
NET_TOP=$HERE/../..

net_initrd() {   # the --net initramfs, built once even when two scenarios ask at the same time
  local img=$OUT/initrd-net.img
  (
    flock 9
    if [ ! -s "$img" ]; then
      local mods; mods=$(bash "$NET_TOP/qemu/kernel.sh" | sed -n 's/^MODULES=//p')
      "$NET_TOP/artifacts/liveinit" mkinitramfs --modules-root "$mods" --output "$img.tmp" --net >"$OUT/mkinitramfs-net.txt" \
        && mv "$img.tmp" "$img"
    fi
  ) 9>"$OUT/initrd-net.lock"
  echo "$img"
}

net_httpd() {   # NAME [httpd.py args]: starts the server; sets NET_PID and NET_PORT
  local name=$1; shift
  local pf=$OUT/$name.port; rm -f "$pf"
  python3 "$NET_TOP/tests/net/httpd.py" "$MEDIA/net/www" --port-file "$pf" --log "$OUT/$name.http.log" "$@" \
    </dev/null >/dev/null 2>&1 &
  NET_PID=$!
  local i; for i in $(seq 100); do [ -s "$pf" ] && break; sleep 0.1; done
  NET_PORT=$(cat "$pf" 2>/dev/null)
}

net_nic() { echo "-netdev user,id=n0${1:+,$1} -device ${NIC:-e1000},netdev=n0"; }

s_net_archiso_http() {
  local l=$OUT/net-archiso.log; net_httpd net-archiso
  INITRD=$(net_initrd) "$BOOT" "$l" "$TMO" \
    "ip=dhcp archiso_http_srv=http://10.0.2.2:$NET_PORT/ archisobasedir=sysresccd" $(net_nic)
  kill "$NET_PID" 2>/dev/null
  expect boot/net-archiso-http-dhcp-ram "$l" 'DHCP offer of 10.0.2.15 from 10.0.2.2 on eth0' \
    'network: eth0 10.0.2.15/24 via 10.0.2.2, DNS 10.0.2.3 \(dhcp\)' \
    "fetching http://10.0.2.2:$NET_PORT/sysresccd/x86_64/airootfs.sfs: 100% .* done" 'fetched [0-9.]+ [KMG]iB' \
    'image /run/archiso/httpspace/airootfs.sfs mounted' 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay' \
    'NET-LEASE eth0 10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3 method=dhcp' 'flushed 10.0.2.15/24 from eth0' \
    'LIVEINIT-ROOT-DONE'
  expect boot/net-archiso-http-server-saw-one-get "$OUT/net-archiso.http.log" \
    'GET /sysresccd/x86_64/airootfs.sfs range=- from=127.0.0.1'
  refuse boot/net-archiso-addresses-flushed-no-disk "$l" 'NET-ADDR eth0' 'MOUNT-VISIBLE /run/archiso/bootmnt'
}

s_net_dracut_static() {
  local l=$OUT/net-dracut.log; net_httpd net-dracut
  NIC=virtio-net-pci INITRD=$(net_initrd) "$BOOT" "$l" "$TMO" \
    "root=live:http://10.0.2.2:$NET_PORT/LiveOS/squashfs.img rd.live.image ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:none \
liveinit.srm=http://10.0.2.2:$NET_PORT/srm/missing.srm liveinit.srm=http://10.0.2.2:$NET_PORT/srm/test.srm" \
    $(NIC=virtio-net-pci net_nic)
  kill "$NET_PID" 2>/dev/null
  expect boot/net-dracut-squashfs-static-virtio "$l" 'network: eth0 10.0.2.15/24 via 10.0.2.2 \(static\)' \
    'fetched [0-9.]+ [KMG]iB' 'image /run/liveinit/netimage/squashfs.img mounted' 'LIVEINIT-ROOT-REACHED' \
    'NET-LEASE eth0 10.0.2.15/24 gw=10.0.2.2 dns= method=static' 'NET-ADDR eth0 10.0.2.15/24' 'LIVEINIT-ROOT-DONE'
  expect boot/net-srm-over-http "$l" "SRM http://10.0.2.2:$NET_PORT/srm/missing.srm skipped: .*HTTP 404" \
    "SRM http://10.0.2.2:$NET_PORT/srm/test.srm mounted at /run/archiso/srm/net-01-test" 'SRM-PRESENT from-test-srm'
}

s_net_dracut_iso() {
  local l=$OUT/net-iso.log; net_httpd net-iso
  INITRD=$(net_initrd) "$BOOT" "$l" "$TMO" "root=live:http://10.0.2.2:$NET_PORT/live.iso rd.live.image ip=dhcp" $(net_nic)
  kill "$NET_PID" 2>/dev/null
  expect boot/net-dracut-iso-url "$l" 'fetched [0-9.]+ [KMG]iB' 'ISO mounted at /run/liveinit/netiso; the image is /run/liveinit/netiso/LiveOS/squashfs.img' \
    'LIVEINIT-ROOT-REACHED' 'NET-ADDR eth0 10.0.2.15/24' 'LIVEINIT-ROOT-DONE'
}

s_net_resume() {
  # the server dies after 300000 bytes of the image; a watcher starts it again on the same port a second later;
  # archiso's checksum then proves the resumed file is byte for byte the server's
  local l=$OUT/net-resume.log; net_httpd net-resume --die-after 300000
  local first=$NET_PID port=$NET_PORT
  (
    while kill -0 "$first" 2>/dev/null; do sleep 0.2; done
    sleep 1
    exec python3 "$NET_TOP/tests/net/httpd.py" "$MEDIA/net/www" --port "$port" --port-file "$OUT/net-resume.port2" \
      --log "$OUT/net-resume.http.log" </dev/null >/dev/null 2>&1
  ) &
  local watcher=$!
  INITRD=$(net_initrd) "$BOOT" "$l" "$TMO" \
    "ip=dhcp archiso_http_srv=http://10.0.2.2:$port/ archisobasedir=sysresccd checksum" $(net_nic)
  kill "$first" "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null
  expect boot/net-server-killed-download-resumes "$l" 'trying again in' "resuming http://10.0.2.2:$port/sysresccd/x86_64/airootfs.sfs at" \
    'fetched [0-9.]+ [KMG]iB .*[1-9][0-9]* resumed with Range' \
    "checksum OK \\(http://10.0.2.2:$port/sysresccd/x86_64/airootfs.sha512\\)" 'LIVEINIT-ROOT-REACHED' 'LIVEINIT-ROOT-DONE'
  expect boot/net-resume-server-log "$OUT/net-resume.http.log" 'DIED after 300000 bytes' \
    'GET /sysresccd/x86_64/airootfs.sfs range=bytes=[1-9][0-9]*-'
}

net_tftp() {   # NAME: a TFTP root with the kernel and the --net initramfs; echoes its path
  local t=$OUT/$1-tftp; rm -rf "$t"; mkdir -p "$t/pxelinux.cfg"
  cp "$VMLINUZ" "$t/vmlinuz"; cp "$(net_initrd)" "$t/initrd.img"
  echo "$t"
}

s_net_pxelinux() {
  # SeaBIOS -> the NIC's iPXE ROM -> PXE: Debian's pxelinux.0 over QEMU's TFTP -> kernel and initramfs over TFTP,
  # IPAPPEND 2 adds BOOTIF=01-<mac>; LiveInit picks the interface by it and fetches the image over HTTP
  local l=$OUT/net-pxelinux.log t; t=$(net_tftp net-pxelinux); net_httpd net-pxelinux
  cp /usr/lib/PXELINUX/pxelinux.0 /usr/lib/syslinux/modules/bios/ldlinux.c32 "$t/"
  cat >"$t/pxelinux.cfg/default" <<CFG
DEFAULT live
PROMPT 0
LABEL live
  KERNEL vmlinuz
  INITRD initrd.img
  APPEND console=ttyS0 panic=-1 no_timer_check ip=dhcp archiso_http_srv=http://\${pxeserver}:$NET_PORT/ archisobasedir=sysresccd
  IPAPPEND 2
CFG
  FIRMWARE_BOOT=bios "$BOOT" "$l" 150 "" -boot n $(net_nic "tftp=$t,bootfile=pxelinux.0")
  kill "$NET_PID" 2>/dev/null
  expect boot/net-pxelinux-tftp-bootif-http "$l" 'BOOTIF=01-52-54-00-12-34-56' \
    'bring up the network on the interface with MAC 52:54:00:12:34:56 \(BOOTIF\)' \
    "fetching http://10.0.2.2:$NET_PORT/sysresccd/x86_64/airootfs.sfs: 100%" 'LIVEINIT-ROOT-REACHED' 'LIVEINIT-ROOT-DONE'
}

s_net_ipxe() {
  # the NIC's iPXE ROM runs an iPXE script fetched over TFTP; it loads the kernel and the initramfs over HTTP
  # from the test server and passes BOOTIF from its own MAC; the dracut image then comes over HTTP too
  local l=$OUT/net-ipxe.log t; t=$(net_tftp net-ipxe)
  local www=$OUT/net-ipxe-www; rm -rf "$www"; cp -r "$MEDIA/net/www" "$www"; rm -f "$www/big.img"
  mv "$t/vmlinuz" "$t/initrd.img" "$www/"
  local pf=$OUT/net-ipxe.port; rm -f "$pf"
  python3 "$NET_TOP/tests/net/httpd.py" "$www" --port-file "$pf" --log "$OUT/net-ipxe.http.log" </dev/null >/dev/null 2>&1 &
  local pid=$! i; for i in $(seq 100); do [ -s "$pf" ] && break; sleep 0.1; done
  local port; port=$(cat "$pf")
  cat >"$t/boot.ipxe" <<CFG
#!ipxe
kernel http://10.0.2.2:$port/vmlinuz console=ttyS0 panic=-1 no_timer_check ip=dhcp BOOTIF=01-\${net0/mac:hexhyp} root=live:http://10.0.2.2:$port/LiveOS/squashfs.img rd.live.image
initrd http://10.0.2.2:$port/initrd.img
boot
CFG
  FIRMWARE_BOOT=bios "$BOOT" "$l" 150 "" -boot n $(net_nic "tftp=$t,bootfile=boot.ipxe")
  kill "$pid" 2>/dev/null
  expect boot/net-ipxe-script-http-kernel-and-image "$l" 'BOOTIF=01-52-54-00-12-34-56' \
    'bring up the network on the interface with MAC 52:54:00:12:34:56 \(BOOTIF\)' 'fetched [0-9.]+ [KMG]iB' \
    'LIVEINIT-ROOT-REACHED' 'LIVEINIT-ROOT-DONE'
  expect boot/net-ipxe-server-log "$OUT/net-ipxe.http.log" 'GET /vmlinuz' 'GET /initrd.img' 'GET /LiveOS/squashfs.img'
}

s_net_fleet() {
  # two guests (the machine has two cores) boot at the same time from one server, one archiso, one dracut;
  # each has its own QEMU user network, so both are 10.0.2.15 behind their own 10.0.2.2
  local a=$OUT/net-fleet1.log b=$OUT/net-fleet2.log initrd; initrd=$(net_initrd); net_httpd net-fleet
  INITRD=$initrd "$BOOT" "$a" 120 "ip=dhcp archiso_http_srv=http://10.0.2.2:$NET_PORT/ archisobasedir=sysresccd" \
    $(net_nic) &
  local first=$!
  INITRD=$initrd "$BOOT" "$b" 120 "root=live:http://10.0.2.2:$NET_PORT/LiveOS/squashfs.img rd.live.image ip=dhcp" \
    $(NIC=virtio-net-pci net_nic)
  wait "$first"
  kill "$NET_PID" 2>/dev/null
  expect boot/net-fleet-guest1 "$a" 'fetched [0-9.]+ [KMG]iB' 'LIVEINIT-ROOT-REACHED' 'LIVEINIT-ROOT-DONE'
  expect boot/net-fleet-guest2 "$b" 'fetched [0-9.]+ [KMG]iB' 'LIVEINIT-ROOT-REACHED' 'LIVEINIT-ROOT-DONE'
  expect boot/net-fleet-one-server "$OUT/net-fleet.http.log" 'GET /sysresccd/x86_64/airootfs.sfs' 'GET /LiveOS/squashfs.img'
}

s_net_load() {
  # not a boot: 32 concurrent `liveinit fetch` clients against one loopback server that drops once (< 60 s)
  local r; r=$(bash "$NET_TOP/tests/net/load.sh" "$NET_TOP/artifacts/liveinit" "$MEDIA/net/www/big.img" "$OUT/net-load" 32 50)
  local rc=$?
  echo "$r" >"$OUT/net-load.txt"
  if [ $rc -eq 0 ]; then echo "PASS net/load-32-clients-same-sha512 ($r)"
  else echo "FAIL net/load-32-clients-same-sha512: $r (see $OUT/net-load)"; fi
}

s_net_missing_image() {
  # a wrong archisobasedir: the server answers 404 once (not retried), the boot stops with the URL and the status
  local l=$OUT/net-missing.log; net_httpd net-missing
  INITRD=$(net_initrd) "$BOOT" "$l" "$TMO" \
    "ip=dhcp archiso_http_srv=http://10.0.2.2:$NET_PORT/ archisobasedir=nope rd.emergency=poweroff" $(net_nic)
  kill "$NET_PID" 2>/dev/null
  expect boot/net-missing-image-named "$l" \
    "cannot fetch the image: http://10.0.2.2:$NET_PORT/nope/x86_64/airootfs.sfs: the server answered HTTP 404" 'reboot: Power down'
  refuse boot/net-missing-image-not-retried "$l" 'trying again in' 'LIVEINIT-ROOT-REACHED'
}
