# Network boots with no disk (sourced by ../scenarios.sh): live-boot's fetch= over HTTP, archiso's NFS export.
# Servers listen on 127.0.0.1 at free ports; the guest reaches them at 10.0.2.2 through QEMU's user network.
# net_initrd and net_nic come from net.sh (the --net initramfs, the NIC).

nfs_httpd() {   # NAME: tests/net/httpd.py on nfs/www; sets NFS_HTTP_PID and NFS_HTTP_PORT
  local pf=$OUT/$1.port; rm -f "$pf"
  python3 "$HERE/../../tests/net/httpd.py" "$MEDIA/nfs/www" --port-file "$pf" --log "$OUT/$1.http.log" \
    </dev/null >/dev/null 2>&1 &
  NFS_HTTP_PID=$!
  local i; for i in $(seq 100); do [ -s "$pf" ] && break; sleep 0.1; done
  NFS_HTTP_PORT=$(cat "$pf" 2>/dev/null)
}

s_net_liveboot_fetch() {
  local l=$OUT/net-liveboot-fetch.log; nfs_httpd net-liveboot-fetch
  INITRD=$(net_initrd) "$BOOT" "$l" "$TMO" \
    "boot=live fetch=http://10.0.2.2:$NFS_HTTP_PORT/live/filesystem.squashfs ip=dhcp" $(net_nic)
  kill "$NFS_HTTP_PID" 2>/dev/null
  expect boot/net-liveboot-fetch-dhcp-ram "$l" 'network: eth0 10.0.2.15/24 via 10.0.2.2, DNS 10.0.2.3 \(dhcp\)' \
    "fetching http://10.0.2.2:$NFS_HTTP_PORT/live/filesystem.squashfs: 100% .* done" 'fetched [0-9.]+ [KMG]iB' \
    'image /run/live/medium/filesystem.squashfs mounted' 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay' \
    'NET-ADDR eth0 10.0.2.15/24' 'LIVEINIT-ROOT-DONE'
  expect boot/net-liveboot-fetch-server-saw-one-get "$OUT/net-liveboot-fetch.http.log" \
    'GET /live/filesystem.squashfs range=- from=127.0.0.1'
}
