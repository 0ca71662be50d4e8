# The live-system tools (liveinit srm/backstore/overlay/remaster/persist) run in a booted tools root
# (qemu/media.d/tools.sh, qemu/toolsroot-init.sh): each step prints TOOLS-OK/TOOLS-FAIL markers.

tools_ok() {  # name log marker...: every TOOLS-OK marker present, no TOOLS-FAIL at all
  local name=$1 log=$2; shift 2
  local m pats=()
  for m in "$@"; do pats+=("TOOLS-OK $m\$"); done
  expect "$name" "$log" 'TOOLS-STEP' "${pats[@]}" 'LIVEINIT-ROOT-DONE' && refuse "$name-no-failure" "$log" 'TOOLS-FAIL'
}

tools_http() {  # serve $MEDIA/tools-http on 127.0.0.1 (the guest reaches it at 10.0.2.2); sets HTTP_PORT HTTP_PID
  HTTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 -m http.server --bind 127.0.0.1 --directory "$MEDIA/tools-http" "$HTTP_PORT" >"$OUT/tools-http.log" 2>&1 &
  HTTP_PID=$!
  for _ in 1 2 3 4 5 6 7 8 9 10; do python3 -c "import socket; socket.create_connection(('127.0.0.1', $HTTP_PORT))" 2>/dev/null && break; sleep 0.3; done
}

s_tools_srm_pack() {
  local d; d=$(disk srmpack tools.img)
  local a='archisobasedir=sysresccd archisolabel=TOOLS'
  "$BOOT" "$OUT/srmpack1.log" "$TMO" "$a -- pack" $(virtio "$d")
  "$BOOT" "$OUT/srmpack2.log" "$TMO" "$a loadsrm -- check-pack" $(virtio "$d")
  tools_ok tools/srm-pack-changes-into-an-srm "$OUT/srmpack1.log" srm-pack srm-pack-staging-removed
  expect tools/srm-pack-loaded-at-boot "$OUT/srmpack2.log" 'SRM changes.srm mounted'
  tools_ok tools/srm-pack-replays-new-changed-deleted "$OUT/srmpack2.log" srm-new-file srm-changed-file srm-deleted-file srm-opaque-dir
}

s_tools_srm_load() {
  local d; d=$(disk srmload tools.img)
  tools_http
  "$BOOT" "$OUT/srmload.log" "$TMO" "archisobasedir=sysresccd archisolabel=TOOLS -- load $HTTP_PORT" $(virtio "$d") \
    -netdev user,id=n -device virtio-net-pci,netdev=n
  kill "$HTTP_PID" 2>/dev/null; wait "$HTTP_PID" 2>/dev/null
  tools_ok tools/srm-load-path-http-config "$OUT/srmload.log" srm-load-path srm-load-path-file srm-load-path-deletion \
    srm-load-lands-in-cow srm-load-http srm-load-http-file srm-load-http-404 srm-load-from-config srm-load-from-config-file \
    srm-install-unit srm-install-unit-enabled
}

s_tools_backstore() {
  local d b; d=$(disk bstools tools-srcd5.img); b=$(disk bstools tools-bsdisk.img)
  local q; q="$(virtio "$d") $(virtio "$b")"
  "$BOOT" "$OUT/bstools1.log" "$TMO" 'backstore=off -- bs-create' $q
  "$BOOT" "$OUT/bstools2.log" "$TMO" 'backstore=alldev -- bs-use' $q
  "$BOOT" "$OUT/bstools3.log" "$TMO" 'backstore=off -- bs-grow' $q
  "$BOOT" "$OUT/bstools4.log" "$TMO" 'backstore=alldev -- bs-check' $q
  tools_ok tools/backstore-create "$OUT/bstools1.log" backstore-create backstore-create-refuses-existing
  expect tools/backstore-used-at-boot "$OUT/bstools2.log" 'found /sysrcd.bs on /dev/vdb'
  tools_ok tools/backstore-holds-the-changes "$OUT/bstools2.log" backstore-in-use backstore-data-in-store
  tools_ok tools/backstore-grow-offline "$OUT/bstools3.log" backstore-grow-offline backstore-refuses-shrink backstore-size-after-grow
  tools_ok tools/backstore-grown-data-intact-and-online-grow "$OUT/bstools4.log" backstore-data-intact backstore-larger \
    backstore-grow-online backstore-larger-online backstore-data-intact-online
}

s_tools_overlay() {
  local d; d=$(disk ovtools tools-liveos.img)
  local ram='root=live:LABEL=TOOLSLIVE rd.live.image' per='root=live:LABEL=TOOLSLIVE rd.live.image rd.live.overlay=LABEL=TOOLSLIVE'
  "$BOOT" "$OUT/ovtools1.log" "$TMO" "$ram -- ov-create" $(virtio "$d")
  "$BOOT" "$OUT/ovtools2.log" "$TMO" "$per -- ov-fill" $(virtio "$d")
  "$BOOT" "$OUT/ovtools3.log" "$TMO" "$per -- ov-exhaust" $(virtio "$d")
  "$BOOT" "$OUT/ovtools4.log" "$TMO" "$per -- ov-recover" $(virtio "$d")
  "$BOOT" "$OUT/ovtools5.log" "$TMO" "$per -- ov-after-recover" $(virtio "$d")
  "$BOOT" "$OUT/ovtools6.log" $((TMO * 3)) "$ram -- ov-merge" $(virtio "$d")   # mksquashfs under TCG
  "$BOOT" "$OUT/ovtools7.log" "$TMO" "$per -- ov-after-merge" $(virtio "$d")
  tools_ok tools/overlay-create "$OUT/ovtools1.log" overlay-status-ram overlay-create overlay-create-refuses-existing
  tools_ok tools/overlay-persistent-status-and-online-resize "$OUT/ovtools2.log" overlay-persistent overlay-resize-online \
    overlay-status-after-resize
  expect tools/overlay-home-img-mounted "$OUT/ovtools2.log" 'HOME-MOUNT|/home is .*home.img'
  tools_ok tools/overlay-filled-until-invalid "$OUT/ovtools3.log" overlay-status-invalid
  expect tools/overlay-invalid-boot-falls-back-to-ram "$OUT/ovtools4.log" 'marked Invalid'
  tools_ok tools/overlay-recover "$OUT/ovtools4.log" overlay-recover overlay-recover-grown
  tools_ok tools/overlay-used-again-after-recover "$OUT/ovtools5.log" overlay-used-after-recover overlay-data-after-recover
  refuse tools/overlay-recovered-not-invalid "$OUT/ovtools5.log" 'marked Invalid'
  tools_ok tools/overlay-merge "$OUT/ovtools6.log" overlay-merge overlay-merge-reset
  tools_ok tools/overlay-merged-image-empty-overlay "$OUT/ovtools7.log" overlay-merged-data overlay-empty-after-merge overlay-home-kept
}

s_tools_remaster() {
  local d; d=$(disk rmtools tools-antix.img)
  "$BOOT" "$OUT/rmtools1.log" "$TMO" 'blabel=TOOLSAX -- rm-prepare' $(virtio "$d")
  "$BOOT" "$OUT/rmtools2.log" $((TMO * 3)) 'blabel=TOOLSAX persist_root persist_home -- rm-create' $(virtio "$d")   # mksquashfs under TCG
  "$BOOT" "$OUT/rmtools3.log" "$TMO" 'blabel=TOOLSAX persist_root persist_home -- rm-check' $(virtio "$d")
  tools_ok tools/persist-create "$OUT/rmtools1.log" persist-create-rootfs persist-create-homefs persist-refuses-existing
  tools_ok tools/remaster-create "$OUT/rmtools2.log" remaster-root-persistence remaster-create remaster-md5sum remaster-rootfs-new \
    remaster-estimate-covers-result
  expect tools/remaster-swapped-at-boot "$OUT/rmtools3.log" 'remaster applied'
  tools_ok tools/remaster-new-image-fresh-root-layer "$OUT/rmtools3.log" remaster-new-image-booted remaster-fresh-root-layer \
    remaster-old-kept remaster-home-kept remaster-refused-while-old-exists
}
