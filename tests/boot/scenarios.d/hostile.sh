# Hostile media (issue 7): links on a medium that lead to a disk nobody named. Every boot attaches that "internal"
# disk (media internal.img) as the second virtio disk, /dev/vdb in the guest, where the links point; its md5 is
# taken before the boot and must be the same after it. Each link is refused with its reason and the boot goes on
# with changes in RAM (or, for a broken image, stops with the reason). Media: qemu/media.d/hostile.sh.

s_hostile_dm_overlay_link() {
  local m i b l=$OUT/hdm.log; m=$(disk hdm hliveos.img); i=$(disk hdm internal.img); b=$(md5_of "$i")
  "$BOOT" "$l" "$TMO" 'root=live:LABEL=HLIVEOS rd.live.image rd.live.overlay=LABEL=HLIVEOS' $(virtio "$m") $(virtio "$i")
  expect hostile/dm-overlay-file-link-refused "$l" \
    'LiveOS/overlay-HLIVEOS-4c1e0505-0000-4000-8000-00000000bad1: refused: .*symbolic link to the absolute path /dev/vdb, off the medium; changes will be kept in RAM only' \
    'dm-snapshot COW in RAM' 'ROOT-DEVICE=/dev/mapper/live-rw' 'PERSIST-NONE' 'LIVEINIT-ROOT-REACHED'
  same_bytes hostile/dm-overlay-file-link-internal-disk-identical "$i" "$b"
}

s_hostile_dm_overlay_reset_link() {
  local m i b l=$OUT/hdmreset.log; m=$(disk hdmreset hliveos.img); i=$(disk hdmreset internal.img); b=$(md5_of "$i")
  "$BOOT" "$l" "$TMO" 'root=live:LABEL=HLIVEOS rd.live.image rd.live.overlay=LABEL=HLIVEOS rd.live.overlay.reset' \
    $(virtio "$m") $(virtio "$i")
  expect hostile/dm-overlay-reset-link-refused "$l" \
    'overlay-HLIVEOS-[0-9a-f-]+: refused: .*absolute path /dev/vdb.*changes will be kept in RAM only' \
    'dm-snapshot COW in RAM' 'PERSIST-NONE' 'LIVEINIT-ROOT-REACHED'
  refuse hostile/dm-overlay-reset-writes-nothing "$l" 'clearing the snapshot header'
  same_bytes hostile/dm-overlay-reset-link-internal-disk-identical "$i" "$b"
}

s_hostile_inner_rootfs_link() {
  local m i b l=$OUT/hinner.log; m=$(disk hinner hinner.img); i=$(disk hinner internal.img); b=$(md5_of "$i")
  "$BOOT" "$l" "$TMO" 'root=live:LABEL=HINNER rd.live.image' $(virtio "$m") $(virtio "$i")
  expect hostile/link-inside-the-image-refused "$l" \
    '/run/initramfs/squashfs/LiveOS/rootfs.img: refused: .*absolute path /dev/vdb' 'emergency shell started'
  refuse hostile/link-inside-the-image-no-root "$l" 'LIVEINIT-ROOT-REACHED'
  same_bytes hostile/link-inside-the-image-internal-disk-identical "$i" "$b"
}

s_hostile_backstore_link_search() {
  # the stick's sysrcd.bs leads to /dev/vdb; backstore=alldev also looks into the internal disk and into a disk
  # whose journal needs recovery (a plain read-only mount would replay it): all three must stay byte-identical
  local m i r s bi br bs l=$OUT/hbs.log
  m=$(disk hbs sysrcd5.img); i=$(disk hbs internal.img); r=$(disk hbs recover.img); s=$(disk hbs hbs.img)
  bi=$(md5_of "$i"); br=$(md5_of "$r"); bs=$(md5_of "$s")
  "$BOOT" "$l" "$TMO" 'backstore=alldev' $(virtio "$m") $(virtio "$i") $(virtio "$r") \
    -device qemu-xhci,id=xhci -drive if=none,id=hbs,format=raw,cache=unsafe,file="$s" -device usb-storage,bus=xhci.0,drive=hbs
  expect hostile/backstore-link-refused-search-goes-on "$l" \
    'persistence file /sysrcd.bs on /dev/sda: /run/liveinit/search/sysrcd.bs: refused: .*absolute path /dev/vdb.*trying the next device' \
    'looked into /dev/vdb: ext4 LABEL="INTERNAL".*\(read-only, no journal replay\): no /sysrcd.bs' \
    'looked into /dev/vdc: ext4 LABEL="RECOVER".*\(read-only, no journal replay\): no /sysrcd.bs' \
    'no usable /sysrcd.bs found .*changes will be kept in RAM only' 'writable layer: RAM' 'PERSIST-NONE' 'LIVEINIT-ROOT-REACHED'
  same_bytes hostile/backstore-search-internal-disk-identical "$i" "$bi"
  same_bytes hostile/backstore-search-journal-not-replayed "$r" "$br"
  same_bytes hostile/backstore-search-stick-identical "$s" "$bs"
}

s_hostile_antix_links() {
  local m i b l=$OUT/hantix.log; m=$(disk hantix hantix.img); i=$(disk hantix internal.img); b=$(md5_of "$i")
  "$BOOT" "$l" "$TMO" 'blabel=HANTIX noremaster persist_root persist_home' $(virtio "$m") $(virtio "$i")
  expect hostile/antix-rootfs-and-homefs-links-refused "$l" \
    'persistence file /antiX/rootfs: /live/boot-dev/antiX/rootfs: refused: .*absolute path /dev/vdb.*changes will be kept in RAM only' \
    'home persistence: /live/boot-dev/antiX/homefs: refused: .*absolute path /dev/vdb' \
    'writable layer: RAM' 'PERSIST-NONE' 'LIVEINIT-ROOT-REACHED'
  refuse hostile/antix-links-nothing-mounted "$l" 'HOME-MOUNT=' 'writable layer: .*\(persistent\)'
  same_bytes hostile/antix-links-internal-disk-identical "$i" "$b"
}

# archiso: the medium first, the internal disk second (/dev/vdb), the persistence disk third (its md5 too)
hostile_archiso() {  # name cmdline-extra: boots; leaves $l, $i, $p, $bi, $bp for the checks
  m=$(disk "$1" harch.img); i=$(disk "$1" internal.img); p=$(disk "$1" hpersist.img); l=$OUT/$1.log
  bi=$(md5_of "$i"); bp=$(md5_of "$p")
  "$BOOT" "$l" "$TMO" "archisolabel=HARCH cow_label=HPERSIST $2" $(virtio "$m") $(virtio "$i") $(virtio "$p")
}

s_hostile_archiso_upperdir_links() {
  local m i p l bi bp c
  for c in dev abs; do
    hostile_archiso "hup$c" "cow_directory=$c/x86_64"
    expect "hostile/archiso-upperdir-link-$c-refused" "$l" \
      "persistence \(cow_label/cow_device\): /run/archiso/cowspace/$c/x86_64/upperdir: refused: .*absolute path (/dev/vdb|/etc), off the medium; changes will be kept in RAM only" \
      'writable layer: RAM' "OVERLAY-UPPER=/run/archiso/cowspace/$c/x86_64/upperdir" 'COWSPACE=tmpfs tmpfs' 'PERSIST-NONE' 'LIVEINIT-ROOT-REACHED'
    same_bytes "hostile/archiso-upperdir-link-$c-internal-disk-identical" "$i" "$bi"
    same_bytes "hostile/archiso-upperdir-link-$c-persistence-disk-identical" "$p" "$bp"
  done
}

s_hostile_archiso_unusable_folder() {
  local m i p l bi bp
  hostile_archiso hupfile ""
  expect hostile/archiso-unusable-folder-ram-at-archisos-path "$l" \
    'persistent_HARCH/x86_64/upperdir: refused: it is a regular file, not a folder; changes will be kept in RAM only' \
    'writable layer: RAM' 'OVERLAY-UPPER=/run/archiso/cowspace/persistent_HARCH/x86_64/upperdir' 'COWSPACE=tmpfs tmpfs' \
    'PERSIST-NONE' 'LIVEINIT-ROOT-REACHED'
  refuse hostile/archiso-unusable-folder-not-reported-lost-while-kept "$l" 'writable layer: .*\(persistent\)'
  same_bytes hostile/archiso-unusable-folder-persistence-disk-untouched "$p" "$bp"
  same_bytes hostile/archiso-unusable-folder-internal-disk-identical "$i" "$bi"
}

s_hostile_archiso_overlay_refusal() {
  local m i p l bi bp
  hostile_archiso hupovl "cow_directory=ovl/x86_64"
  expect hostile/archiso-overlayfs-refusal-ends-in-ram "$l" \
    'overlayfs refused the persistent upper /run/archiso/cowspace/ovl/x86_64/upperdir' 'writable layer: RAM' \
    'OVERLAY-UPPER=/run/archiso/cowspace/ovl/x86_64/upperdir' 'COWSPACE=tmpfs tmpfs' 'PERSIST-NONE' 'LIVEINIT-ROOT-REACHED'
  refuse hostile/archiso-overlayfs-refusal-no-shell "$l" 'emergency shell started'
  same_bytes hostile/archiso-overlayfs-refusal-internal-disk-identical "$i" "$bi"
}
