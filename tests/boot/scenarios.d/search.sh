# Device searches of every dialect with an unnamed ext4 disk attached first (its journal marked as needing
# recovery, so that even a read-only mount with journal replay would change it): the disk stays byte-identical.

search_boot() {  # name "cmdline" medium-file [extra qemu args...]: internal disk first, then the medium
  local name=$1 cmd=$2 media=$3; shift 3
  local i d before; i=$(disk "$name" internal-dirty.img); d=$(disk "$name" "$media"); before=$(md5_of "$i")
  "$BOOT" "$OUT/$name.log" "$TMO" "$cmd" $(virtio "$i") $(virtio "$d") "$@"
  same_bytes "safety/$name-unnamed-disk-untouched" "$i" "$before"
}

s_search_archiso_uuid() {
  search_boot search-uuid 'archisosearchuuid=spacelabel-2024-01-01-00-00-00-00' spacelabel.img
  expect boot/search-archisosearchuuid-past-an-unnamed-disk "$OUT/search-uuid.log" \
    'boot medium: /dev/vdb: ext4 LABEL="LIVE DISK"' 'LIVEINIT-ROOT-REACHED'
}

s_search_archiso_image() {
  search_boot search-archiso 'archisobasedir=arch' spacelabel.img
  expect boot/search-archiso-image-past-an-unnamed-disk "$OUT/search-archiso.log" \
    'found /arch/x86_64/airootfs.sfs on /dev/vdb' 'LIVEINIT-ROOT-REACHED'
}

s_search_antix() {
  search_boot search-antix 'from=hd' antix.img
  expect boot/search-antix-from-hd-past-an-unnamed-disk "$OUT/search-antix.log" \
    'found /antiX/linuxfs on /dev/vdb' 'LIVEINIT-ROOT-REACHED'
}

s_search_sysresccd5() {
  search_boot search-srcd5 'backstore=alldev' sysrcd5.img
  expect boot/search-sysresccd5-medium-and-backstore-past-an-unnamed-disk "$OUT/search-srcd5.log" \
    'sysresccd5 boot' 'found /sysrcd.dat on /dev/vdb' 'LIVEINIT-ROOT-REACHED'
}

s_search_dracut_label() {
  search_boot search-dracut 'root=live:LABEL="LIVE DISK" rd.live.image rd.live.overlay.overlayfs' spacelabel.img
  expect boot/search-dracut-label-past-an-unnamed-disk "$OUT/search-dracut.log" 'LIVEINIT-ROOT-REACHED'
}

s_srm_link_refused() {  # an SRM that is a link to the internal disk: refused, the good SRM still stacked
  local d i before; d=$(disk srmlink srmlink.img); i=$(disk srmlink internal-dirty.img); before=$(md5_of "$i")
  "$BOOT" "$OUT/srmlink.log" "$TMO" 'archisolabel=SRMLINK loadsrm' $(virtio "$d") $(virtio "$i")
  expect hostile/srm-link-off-the-medium-refused "$OUT/srmlink.log" \
    'SRM evil.srm skipped: refused: .*absolute path /dev/vdb' 'SRM test.srm mounted' 'SRM-PRESENT from-test-srm' \
    'LIVEINIT-ROOT-REACHED'
  same_bytes hostile/srm-link-internal-disk-identical "$i" "$before"
}
