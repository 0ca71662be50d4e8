# Debian live-boot (boot=live) scenarios (sourced by ../scenarios.sh): a Debian Live CD as live-build lays it out,
# and live-boot persistence volumes with persistence.conf, kept across boots. Three boots:
#   1. volumes "persistence" ('/ union') and "homepersist" ('/home union'): both used; nothing found yet
#   2. only "homepersist": the root is in RAM (PERSIST-NONE) yet /home kept the first boot's change
#   3. only "persistence": the root kept the first boot's change; /home is not mounted from anywhere
s_liveboot_persistence() {
  local r h f; r=$(disk lbroot lb-persist-root.img); h=$(disk lbhome lb-persist-home.img)
  f=$(disk lbfile lb-persist-file.img)
  local cd="file=$MEDIA/debian-live.iso,format=raw,if=ide,media=cdrom,readonly=on"
  "$BOOT" "$OUT/lb1.log" "$TMO" \
    'boot=live persistence persistence-label=persistence,homepersist persistence-path=/live-persist' \
    -drive "$cd" $(virtio "$r") $(virtio "$h") $(virtio "$f")
  "$BOOT" "$OUT/lb2.log" "$TMO" 'boot=live persistence persistence-label=homepersist' \
    -drive "$cd" $(virtio "$r") $(virtio "$h") $(virtio "$f")
  "$BOOT" "$OUT/lb3.log" "$TMO" 'boot=live persistence' -drive "$cd" $(virtio "$r") $(virtio "$h") $(virtio "$f")
  expect liveboot/debian-live-cd-boots "$OUT/lb1.log" 'live-boot boot' \
    'boot medium: /dev/sr0: iso9660 LABEL="d-live 12 st amd64"' 'live/filesystem.squashfs mounted at' \
    'LIVEINIT-ROOT-REACHED'
  expect liveboot/squashfs-images-stacked-last-on-top "$OUT/lb1.log" 'SRM aa-module.squashfs mounted' \
    'SRM zz-module.squashfs mounted' 'SRM-PRESENT from-live-zz'
  expect liveboot/persistence-both-volumes-first-boot "$OUT/lb1.log" \
    'writable layer: /run/live/persistence/vda/rw on /dev/vda \(persistent' \
    '/home is an overlay of .* with changes in /run/live/persistence/vdb/home/rw on /dev/vdb' \
    'PERSIST-NONE' 'HOME-MOUNT=overlay overlay'
  expect liveboot/persistence-conf-bind-link-and-a-bad-line "$OUT/lb1.log" \
    '/srv is /run/live/persistence/vda/srv on /dev/vda \(persistent, bind\)' \
    '/opt: 1 entries linked to /run/live/persistence/vda/opt-files' \
    "persistence.conf line 5: /etc/x bogus: unknown option 'bogus'"
  expect liveboot/persistence-file-on-a-fat-stick "$OUT/lb1.log" \
    'persistence file /run/live/persistence/vdc-host/live-persist/persistence on /dev/vdc is /dev/loop[0-9]+' \
    '/mnt is an overlay of .* with changes in /run/live/persistence/loop[0-9]+/mnt/rw on /dev/loop[0-9]+'
  expect liveboot/persistence-home-kept-across-boots "$OUT/lb2.log" 'HOME-PERSIST-FOUND 1' 'PERSIST-NONE'
  expect liveboot/persistence-root-union-kept-across-boots "$OUT/lb3.log" 'PERSIST-FOUND previous_boots=1'
  refuse liveboot/persistence-root-only-no-home "$OUT/lb3.log" 'HOME-MOUNT'
}
