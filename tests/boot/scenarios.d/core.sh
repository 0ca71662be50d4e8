# Core boot scenarios: media, dialects, persistence, faults (sourced by ../scenarios.sh).

s_plain_tmpfs() {
  local d; d=$(disk plain rescue.img); local l=$OUT/plain.log
  "$BOOT" "$l" "$TMO" 'archisobasedir=sysresccd archisolabel=RESCUE' $(virtio "$d")
  expect boot/plain-medium-tmpfs-overlay "$l" 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay' 'PERSIST-NONE' \
    'MOUNT-VISIBLE /run/archiso/bootmnt' 'MOUNT-VISIBLE /run/archiso/cowspace' 'LIVEINIT-ROOT-DONE'
  refuse boot/plain-initramfs-deleted-no-srm "$l" 'INITRAMFS-LEFTOVER' 'SRM-PRESENT'
}

s_label_space() {
  local d; d=$(disk space spacelabel.img); local l=$OUT/space.log
  "$BOOT" "$l" "$TMO" 'archisolabel="LIVE DISK" -- hello world' $(virtio "$d")
  expect boot/label-with-space "$l" 'boot medium: /dev/vda: ext4 LABEL="LIVE DISK"' 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay'
  expect boot/init-arguments-after-dashes "$l" 'INIT-ARGV hello world'
}

s_late_usb() {
  local l=$OUT/lateusb.log d; d=$(disk lateusb usb.img)
  HOTPLUG_AFTER=5 HOTPLUG_DISK=$d "$BOOT" "$l" "$TMO" 'archisolabel=USBLIVE' -device qemu-xhci,id=xhci
  expect boot/late-usb-hotplug "$l" 'waiting up to 30 s for LABEL=USBLIVE' 'USB Mass Storage device detected' \
    'boot medium: /dev/sda: ext4 LABEL="USBLIVE"' 'LIVEINIT-ROOT-REACHED'
}

s_missing_medium() {
  local d; d=$(disk missing spacelabel.img); local l=$OUT/missing.log
  "$BOOT" "$l" "$TMO" 'archisolabel=NOPE rootdelay=3' $(virtio "$d")
  expect boot/missing-medium-emergency-shell "$l" 'the boot medium \(LABEL=NOPE\) did not appear within 3 s' \
    'Block devices seen:' '/dev/vda: ext4 LABEL="LIVE DISK"' 'emergency shell started'
  refuse boot/missing-medium-no-root "$l" 'LIVEINIT-ROOT-REACHED'
}

s_persistence() {
  local d; d=$(disk persist rescue.img)
  local a='archisobasedir=sysresccd archisolabel=RESCUE cow_label="my persist" loadsrm'
  "$BOOT" "$OUT/persist1.log" "$TMO" "$a" $(virtio "$d")
  "$BOOT" "$OUT/persist2.log" "$TMO" "$a" $(virtio "$d")
  expect boot/persistence-first-boot "$OUT/persist1.log" 'writable layer: .*persistent_RESCUE/x86_64/upperdir on /dev/vda2 \(persistent\)' \
    'SRM-PRESENT from-test-srm' 'PERSIST-NONE' 'LIVEINIT-ROOT-DONE'
  expect boot/corrupt-srm-skipped-boot-goes-on "$OUT/persist1.log" 'SRM zz-broken.srm skipped: .*holds no filesystem' 'SRM test.srm mounted'
  expect boot/persistence-second-boot "$OUT/persist2.log" 'PERSIST-FOUND previous_boots=1' 'SRM-PRESENT from-test-srm'
}

s_fat_cow_fallback() {
  local d; d=$(disk fatcow rescue.img); local l=$OUT/fatcow.log
  "$BOOT" "$l" "$TMO" 'archisobasedir=sysresccd archisolabel=RESCUE cow_label=RESCUE' $(virtio "$d")
  expect boot/fat-persistence-refused-ram-fallback "$l" 'is vfat, which cannot hold overlayfs changes' \
    'writable layer: RAM' 'LIVEINIT-ROOT-REACHED' 'PERSIST-NONE'
}

s_dracut_flat() {
  local d; d=$(disk dracut spacelabel.img); local l=$OUT/dracut.log
  "$BOOT" "$l" "$TMO" 'root=live:LABEL="LIVE DISK" rd.live.image rd.live.overlay.overlayfs quiet' $(virtio "$d")
  expect boot/dracut-liveos-flat-squashfs "$l" 'dracut boot' 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay' 'MOUNT-VISIBLE /run/initramfs/live'
  refuse boot/quiet-hides-step-lines "$l" 'liveinit: \[[0-9]+/[0-9]+\]' 'liveinit: boot medium:'
}

s_emergency_poweroff() {
  local d; d=$(disk poweroff spacelabel.img); local l=$OUT/poweroff.log
  "$BOOT" "$l" "$TMO" 'archisolabel=NOPE rootdelay=2 rd.emergency=poweroff' $(virtio "$d")
  expect boot/emergency-poweroff "$l" 'did not appear within 2 s' 'Powering off \(rd.emergency=poweroff\)' 'reboot: Power down'
  refuse boot/emergency-poweroff-no-shell "$l" 'emergency shell started'
}

s_partuuid() {
  local d; d=$(disk partuuid rescue.img); local l=$OUT/partuuid.log
  "$BOOT" "$l" "$TMO" 'archisobasedir=sysresccd archisodevice=PARTUUID=5eed1234-01 cow_device=PARTUUID=5EED1234-02' $(virtio "$d")
  expect boot/partuuid-from-dos-table-in-guest "$l" 'boot medium: /dev/vda1: vfat LABEL="RESCUE"' \
    'writable layer: .* on /dev/vda2 \(persistent\)' 'LIVEINIT-ROOT-REACHED'
}

s_gpt_partlabel() {
  local d; d=$(disk gpt gpt.img); local l=$OUT/gpt.log
  "$BOOT" "$l" "$TMO" 'archisodevice=PARTLABEL="LiveInit Root"' $(virtio "$d")
  expect boot/partlabel-from-gpt-in-guest "$l" 'boot medium: /dev/vda1: ext4 LABEL="GPTLIVE"' 'LIVEINIT-ROOT-REACHED'
}

s_dracut_dm_ram() {
  local d; d=$(disk dmram liveos.img); local l=$OUT/dmram.log
  "$BOOT" "$l" "$TMO" 'root=live:LABEL=LIVEOS rd.live.image' $(virtio "$d")
  expect boot/dracut-rootfs-img-dm-snapshot-ram "$l" 'dm-snapshot COW in RAM' 'ROOT-DEVICE=/dev/mapper/live-rw' 'ROOTFS-TYPE=ext4' 'PERSIST-NONE'
}

s_dracut_dm_persistent() {
  local d; d=$(disk dmpersist liveos.img)
  local a='root=live:LABEL=LIVEOS rd.live.image rd.live.overlay=LABEL=LIVEOS rw'
  "$BOOT" "$OUT/dmpersist1.log" "$TMO" "$a" $(virtio "$d")
  "$BOOT" "$OUT/dmpersist2.log" "$TMO" "$a" $(virtio "$d")
  expect boot/dracut-dm-persistent-overlay-first-boot "$OUT/dmpersist1.log" 'dm-snapshot COW file .*overlay-LIVEOS-4c1e0505-0000-4000-8000-000000000001 on /dev/vda \(persistent\)' \
    'ROOT-DEVICE=/dev/mapper/live-rw' 'PERSIST-NONE' 'LIVEINIT-ROOT-DONE'
  expect boot/dracut-dm-persistent-overlay-second-boot "$OUT/dmpersist2.log" 'PERSIST-FOUND previous_boots=1'
  "$BOOT" "$OUT/dmpersist3.log" "$TMO" "$a rd.live.overlay.reset" $(virtio "$d")
  expect boot/dracut-dm-overlay-reset "$OUT/dmpersist3.log" 'rd.live.overlay.reset' 'PERSIST-NONE'
}

s_antix_remaster() {
  local d; d=$(disk antix antix.img)
  "$BOOT" "$OUT/antix1.log" "$TMO" 'blabel=ANTIX' $(virtio "$d")
  expect boot/antix-remaster-applied "$OUT/antix1.log" 'remaster applied' 'VARIANT=v2' 'REMASTER-STATE REMASTERED=true' \
    'ANTIX-FILES .*linuxfs linuxfs.old' 'MOUNT-VISIBLE /live/boot-dev'
  refuse boot/antix-remaster-new-consumed "$OUT/antix1.log" 'ANTIX-FILES .*linuxfs.new'
  "$BOOT" "$OUT/antix2.log" "$TMO" 'blabel=ANTIX' $(virtio "$d")
  expect boot/antix-no-second-swap "$OUT/antix2.log" 'VARIANT=v2'
  refuse boot/antix-no-state-without-swap "$OUT/antix2.log" 'REMASTER-STATE'
  # a second remaster waits while linuxfs.old still exists: refused with a message, the current one boots
  debugfs -w -R "write $MEDIA/linuxfs-v3 antiX/linuxfs.new" "$d" >/dev/null 2>&1
  "$BOOT" "$OUT/antix3.log" "$TMO" 'blabel=ANTIX' $(virtio "$d")
  expect boot/antix-remaster-refused-while-old-exists "$OUT/antix3.log" 'a new linuxfs is waiting, but .*linuxfs.old exists' 'VARIANT=v2'
  debugfs -w -R "rm antiX/linuxfs.new" "$d" >/dev/null 2>&1
  "$BOOT" "$OUT/antix4.log" "$TMO" 'blabel=ANTIX rollback' $(virtio "$d")
  expect boot/antix-rollback "$OUT/antix4.log" 'rollback done' 'VARIANT=v1' 'REMASTER-STATE ROLLED_BACK=true' 'ANTIX-FILES .*linuxfs linuxfs.bad'
}

s_antix_interrupted_swap() {
  local d; d=$(disk antixcut antix-cut.img); local l=$OUT/antixcut.log
  "$BOOT" "$l" "$TMO" 'blabel=ANTIXCUT' $(virtio "$d")
  expect boot/antix-interrupted-swap-completed "$l" 'was missing \(an interrupted remaster\?\); restored it from linuxfs.new' 'VARIANT=v2' \
    'ANTIX-FILES .*linuxfs linuxfs.old'
}

s_antix_persistence() {
  local d; d=$(disk antixp antix.img)
  local a='blabel=ANTIX noremaster persist_root persist_home'
  "$BOOT" "$OUT/antixp1.log" "$TMO" "$a" $(virtio "$d")
  "$BOOT" "$OUT/antixp2.log" "$TMO" "$a" $(virtio "$d")
  expect boot/antix-root-and-home-persistence-first "$OUT/antixp1.log" 'noremaster: .*linuxfs.new is waiting' 'VARIANT=v1' \
    'writable layer: .*antiX/rootfs mounted at /live/persist-root \(persistent\)' 'HOME-MOUNT=/dev/loop[0-9]+ ext4' 'PERSIST-NONE'
  expect boot/antix-root-and-home-persistence-second "$OUT/antixp2.log" 'PERSIST-FOUND previous_boots=1' 'HOME-PERSIST-FOUND 1'
}

s_sysrescuecd5_backstore() {
  local d b; d=$(disk srcd5 sysrcd5.img); b=$(disk srcd5bs sysrcd-bs.img)
  local q="$(virtio "$d") -device qemu-xhci,id=xhci -drive if=none,id=bs,format=raw,cache=unsafe,file=$b -device usb-storage,bus=xhci.0,drive=bs"
  "$BOOT" "$OUT/srcd5-1.log" "$TMO" 'backstore' $q
  "$BOOT" "$OUT/srcd5-2.log" "$TMO" 'backstore' $q
  expect boot/sysresccd5-backstore-first "$OUT/srcd5-1.log" 'sysresccd5 boot' 'found /sysrcd.bs on /dev/sda' \
    'MOUNT-VISIBLE /livemnt/boot' 'MOUNT-VISIBLE /livemnt/memory' 'PERSIST-NONE'
  expect boot/sysresccd5-backstore-second "$OUT/srcd5-2.log" 'PERSIST-FOUND previous_boots=1'
  "$BOOT" "$OUT/srcd5-3.log" "$TMO" 'backstore=off' $q
  expect boot/sysresccd5-backstore-off "$OUT/srcd5-3.log" 'writable layer: RAM' 'PERSIST-NONE'
}

s_readonly_persistence() {
  local d; d=$(disk rocow rescue.img); local l=$OUT/rocow.log
  # the persistence partition's disk is attached read-only: a write-protected stick
  "$BOOT" "$l" "$TMO" 'archisobasedir=sysresccd archisolabel=RESCUE cow_label="my persist"' \
    -drive file="$d",format=raw,if=virtio,readonly=on
  expect boot/read-only-persistence-ram-fallback "$l" 'is read-only \(write-protect' '[Cc]hanges will be kept in RAM only' 'LIVEINIT-ROOT-REACHED' 'PERSIST-NONE'
}

s_full_persistence() {
  local d f; d=$(disk fullp rescue.img); f=$(disk fullp2 fullpersist.img); local l=$OUT/fullp.log
  "$BOOT" "$l" "$TMO" 'archisobasedir=sysresccd archisolabel=RESCUE cow_label=FULLP' $(virtio "$d") $(virtio "$f")
  expect boot/full-persistence-ram-fallback "$l" '/dev/vdb is full \([0-9]+ KiB free\); free some space there' 'writable layer: RAM' 'LIVEINIT-ROOT-REACHED'
}

s_corrupt_image() {
  local d; d=$(disk corrupt corrupt.img); local l=$OUT/corrupt.log
  "$BOOT" "$l" "$TMO" 'archisolabel=CORRUPT' $(virtio "$d")
  expect boot/corrupt-image-clear-message "$l" 'holds no filesystem LiveInit recognises \(corrupt or incomplete copy\?\)' 'emergency shell started'
}

s_bad_parameters() {
  local d; d=$(disk badparam rescue.img); local l=$OUT/badparam.log
  "$BOOT" "$l" "$TMO" 'archisobasedir=sysresccd archisolabel=RESCUE cow_label="my persist" cow_directory=../../etc cow_spacesize=banana' $(virtio "$d")
  expect boot/path-traversal-and-bad-size-fall-back "$l" "cow_directory: '../../etc' climbs out" 'cow_spacesize: .banana. is not a size' \
    'persistent_RESCUE/x86_64/upperdir on /dev/vda2 \(persistent\)' 'LIVEINIT-ROOT-REACHED'
}

s_archiso_checksum_copytoram() {
  local d; d=$(disk cksum rescue.img); local l=$OUT/cksum.log
  "$BOOT" "$l" "$TMO" 'archisobasedir=sysresccd archisolabel=RESCUE checksum=y copytoram=y' $(virtio "$d")
  expect boot/archiso-copytoram-and-checksum "$l" 'copying /run/archiso/bootmnt/sysresccd/x86_64/airootfs.sfs .* to RAM' \
    'verifying /run/liveinit/copytoram/airootfs.sfs \(SHA-512\)' 'checksum OK' 'image /run/liveinit/copytoram/airootfs.sfs mounted' 'LIVEINIT-ROOT-REACHED'
  local b; b=$(disk badsum spacelabel.img); l=$OUT/badsum.log
  "$BOOT" "$l" "$TMO" 'archisolabel="LIVE DISK" checksum=y' $(virtio "$b")
  expect boot/archiso-checksum-mismatch-stops "$l" 'does not match .*airootfs.sha512: the image is corrupt' 'emergency shell started'
  refuse boot/archiso-checksum-mismatch-no-root "$l" 'LIVEINIT-ROOT-REACHED'
}

s_archiso_search_uuid() {
  local d u; d=$(disk suuid spacelabel.img); u=$(disk suuid2 usb.img); local l=$OUT/suuid.log
  "$BOOT" "$l" "$TMO" 'archisosearchuuid=usb-2024-01-01-00-00-00-00' $(virtio "$d") $(virtio "$u")
  expect boot/archisosearchuuid-finds-the-right-disk "$l" 'boot medium: /dev/vdb: ext4 LABEL="USBLIVE"' 'LIVEINIT-ROOT-REACHED'
}

s_hybrid_iso() {
  local d; d=$(disk hybrid hybrid.iso); local l=$OUT/hybrid.log
  "$BOOT" "$l" "$TMO" 'archisolabel=HYBRID' $(virtio "$d")
  expect boot/hybrid-iso-prefers-the-partition "$l" 'LABEL=HYBRID matches /dev/vda1, /dev/vda \(hybrid image\?\)' \
    'boot medium: /dev/vda1: iso9660 LABEL="HYBRID"' 'LIVEINIT-ROOT-REACHED'
  l=$OUT/cdrom.log
  "$BOOT" "$l" "$TMO" 'archisolabel=HYBRID copytoram=auto' -drive file="$d",format=raw,if=ide,media=cdrom
  expect boot/cdrom-medium "$l" 'boot medium: /dev/sr0: iso9660 LABEL="HYBRID"' 'copytoram=auto: not copying' 'LIVEINIT-ROOT-REACHED'
}

s_embedded_hook_mode() {
  # a shell /init in the manner of initramfs-tools: LiveInit assembles the root at /root and returns,
  # the shell moves the API filesystems and switches itself. Appended as a second cpio archive.
  local h=$OUT/hookpart x=$OUT/hookx; rm -rf "$h" "$x"; mkdir -p "$h/root" "$x"
  zstd -dcf "$INITRD" | (cd "$x" && cpio -i --quiet init) && mv "$x/init" "$h/liveinit-agent"
  cat >"$h/init" <<'SH'
#!/bin/sh
/bin/busybox mount -t proc proc /proc; /bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev; /bin/busybox mount -t tmpfs -o mode=0755 run /run
echo "HOOK-INIT: host initramfs runs liveinit as its root-mounting step"
/liveinit-agent boot --sysroot /root --no-switch-root || { echo "HOOK-INIT: liveinit failed"; exec /bin/sh; }
for d in dev proc sys run; do /bin/busybox mount --move /$d /root/$d; done
echo "HOOK-INIT: switching"
exec /bin/busybox switch_root /root /sbin/init
SH
  chmod 755 "$h/init"
  (cd "$h" && printf 'init\nliveinit-agent\nroot\n' | cpio -o -H newc --quiet | gzip -1) >"$OUT/hookpart.cpio.gz"
  cat "$INITRD" "$OUT/hookpart.cpio.gz" >"$OUT/initrd-hook.img"
  local d; d=$(disk hook rescue.img); local l=$OUT/hook.log
  INITRD=$OUT/initrd-hook.img "$BOOT" "$l" "$TMO" 'archisobasedir=sysresccd archisolabel=RESCUE loadsrm' $(virtio "$d")
  expect boot/embedded-hook-mode "$l" 'HOOK-INIT: host initramfs runs liveinit' 'root assembled at /root; the embedding initramfs switches to it' \
    'HOOK-INIT: switching' 'LIVEINIT-ROOT-REACHED' 'SRM-PRESENT' 'MOUNT-VISIBLE /run/archiso/bootmnt'
}

s_xz_modules_decompressed_in_memory() {
  if [ -z "${INITRD_XZ:-}" ]; then echo "SKIP boot/xz-modules-in-memory: no .ko.xz initramfs"; return; fi
  local d; d=$(disk xzmods rescue.img); local l=$OUT/xzmods.log
  INITRD=$INITRD_XZ "$BOOT" "$l" "$TMO" 'archisobasedir=sysresccd archisolabel=RESCUE loadsrm' $(virtio "$d")
  expect boot/xz-modules-decompressed-in-memory-on-6.1 "$l" 'the kernel cannot load compressed modules itself \((EINVAL|ENOTSUP|ENOSYS)' \
    'decompressing .ko.xz in memory' 'LIVEINIT-ROOT-REACHED' 'SRM-PRESENT'
}

s_newer_kernel_xz_modules() {
  if [ -z "${VMLINUZ_NEW:-}" ]; then echo "SKIP boot/kernel-6.12-xz-modules: no second kernel"; return; fi
  local d; d=$(disk k612 rescue.img); local l=$OUT/k612.log
  VMLINUZ=$VMLINUZ_NEW INITRD=$INITRD_NEW "$BOOT" "$l" "$TMO" 'archisobasedir=sysresccd archisolabel=RESCUE loadsrm' $(virtio "$d")
  expect boot/kernel-6.12-xz-modules "$l" 'Linux version 6\.12' 'LIVEINIT-ROOT-REACHED' 'SRM-PRESENT from-test-srm' 'ROOTFS-TYPE=overlay'
}
