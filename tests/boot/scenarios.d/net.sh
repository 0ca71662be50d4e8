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
    "root=live:http://10.0.2.2:$NET_PORT/LiveOS/squashfs.img rd.live.image ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:none" \
    $(NIC=virtio-net-pci net_nic)
  kill "$NET_PID" 2>/dev/null
  expect boot/net-dracut-squashfs-static-virtio "$l" 'network: eth0 10.0.2.15/24 via 10.0.2.2 \(static\)' \
    'fetched [0-9.]+ [KMG]iB' 'image /run/liveinit/netimage/squashfs.img mounted' 'LIVEINIT-ROOT-REACHED' \
    'NET-LEASE eth0 10.0.2.15/24 gw=10.0.2.2 dns= method=static' 'NET-ADDR eth0 10.0.2.15/24' 'LIVEINIT-ROOT-DONE'
}

s_net_dracut_iso() {
  local l=$OUT/net-iso.log; net_httpd net-iso
  INITRD=$(net_initrd) "$BOOT" "$l" "$TMO" "root=live:http://10.0.2.2:$NET_PORT/live.iso rd.live.image ip=dhcp" $(net_nic)
  kill "$NET_PID" 2>/dev/null
  expect boot/net-dracut-iso-url "$l" 'fetched [0-9.]+ [KMG]iB' 'ISO mounted at /run/liveinit/netiso; the image is /run/liveinit/netiso/LiveOS/squashfs.img' \
    'LIVEINIT-ROOT-REACHED' 'NET-ADDR eth0 10.0.2.15/24' 'LIVEINIT-ROOT-DONE'
}

s_net_resume() {
  # the server dies after 300000 bytes of the image; a watcher starts it again on the same port a second later
  local l=$OUT/net-resume.log; net_httpd net-resume --die-after 300000
  local first=$NET_PID port=$NET_PORT
  (
    while kill -0 "$first" 2>/dev/null; do sleep 0.2; done
    sleep 1
    exec python3 "$NET_TOP/tests/net/httpd.py" "$MEDIA/net/www" --port "$port" --port-file "$OUT/net-resume.port2" \
      --log "$OUT/net-resume.http.log" </dev/null >/dev/null 2>&1
  ) &
  local watcher=$!
  INITRD=$(net_initrd) "$BOOT" "$l" "$TMO" "ip=dhcp archiso_http_srv=http://10.0.2.2:$port/ archisobasedir=sysresccd" $(net_nic)
  kill "$first" "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null
  expect boot/net-server-killed-download-resumes "$l" 'trying again in' "resuming http://10.0.2.2:$port/sysresccd/x86_64/airootfs.sfs at" \
    'fetched [0-9.]+ [KMG]iB .*[1-9][0-9]* resumed with Range' 'LIVEINIT-ROOT-REACHED' 'LIVEINIT-ROOT-DONE'
  expect boot/net-resume-server-log "$OUT/net-resume.http.log" 'DIED after 300000 bytes' \
    'GET /sysresccd/x86_64/airootfs.sfs range=bytes=[1-9][0-9]*-'
}
