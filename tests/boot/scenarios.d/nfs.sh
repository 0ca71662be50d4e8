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

nfs_ganesha() {   # NAME: nfs-ganesha (userspace NFSv4 server) exporting nfs/export as /export on 127.0.0.1 at a
  # free port, no rpcbind, no grace period; sets NFS_PID and NFS_PORT (empty when it did not come up)
  local d=$OUT/$1-ganesha; rm -rf "$d"; mkdir -p "$d/recovery"
  NFS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$d/ganesha.conf" <<CONF
NFS_CORE_PARAM { NFS_Port = $NFS_PORT; Bind_addr = 127.0.0.1; Protocols = 4; Enable_NLM = false;
  Enable_RQUOTA = false; Enable_UDP = false; }
NFSV4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = "$d/recovery"; }
EXPORT { Export_Id = 1; Path = "$MEDIA/nfs/export"; Pseudo = /export; Access_Type = RO; Squash = No_Root_Squash;
  SecType = sys; Protocols = 4; Transports = TCP; FSAL { Name = VFS; } }
LOG { Default_Log_Level = EVENT; }
CONF
  ganesha.nfsd -F -L "$d/ganesha.log" -f "$d/ganesha.conf" -p "$d/ganesha.pid" </dev/null >/dev/null 2>&1 &
  NFS_PID=$!
  local i; for i in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $NFS_PORT), 1)" 2>/dev/null && return 0
    kill -0 "$NFS_PID" 2>/dev/null || break; sleep 0.1
  done
  echo "nfs-ganesha did not come up (log: $d/ganesha.log)" >&2; NFS_PORT=
}

s_net_archiso_nfs() {
  local l=$OUT/net-archiso-nfs.log; nfs_ganesha net-archiso-nfs
  INITRD=$(net_initrd) "$BOOT" "$l" "$TMO" \
    "ip=dhcp archiso_nfs_srv=10.0.2.2:/export archiso_nfs_opt=port=$NFS_PORT checksum" $(net_nic)
  kill "$NFS_PID" 2>/dev/null; wait "$NFS_PID" 2>/dev/null
  expect boot/net-archiso-nfs-v4-mount-copied "$l" 'network: eth0 10.0.2.15/24 via 10.0.2.2, DNS 10.0.2.3 \(dhcp\)' \
    "NFS: 10.0.2.2:/export mounted at /run/archiso/bootmnt \\(nfs4 -o vers=4.2,addr=10.0.2.2,clientaddr=10.0.2.15,port=$NFS_PORT\\)" \
    'copying .*arch/x86_64/airootfs.sfs \([0-9]+ MiB\) to RAM' 'checksum OK' 'image .*airootfs.sfs mounted' \
    'LIVEINIT-ROOT-REACHED' \
    'flushed 10.0.2.15/24 from eth0' 'LIVEINIT-ROOT-DONE'
  refuse boot/net-archiso-nfs-released "$l" 'MOUNT-VISIBLE /run/archiso/bootmnt' 'NET-ADDR eth0'
}
