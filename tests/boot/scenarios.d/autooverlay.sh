# dracut's autooverlay (modules.d/70dmsquash-live-autooverlay) as dracut-ng's TEST-30-DMSQUASH runs it:
# "rd.live.image rd.overlay=LABEL=persist rd.live.dir=LiveOS" with no "persist" device anywhere. The initramfs is
# made with `liveinit mkinitramfs --autooverlay` (this host's mke2fs and its libraries).
# Media: qemu/media.d/autooverlay.sh.

# ao_initrd: the --autooverlay initramfs, built once (both scenarios may run at the same time)
ao_initrd() {
  local i=$OUT/initrd-autooverlay.img k
  (
    flock 9
    if [ ! -s "$i" ]; then
      k=$(bash "$HERE/../../qemu/kernel.sh") || exit 1
      "$HERE/../../artifacts/liveinit" mkinitramfs --modules-root "$(sed -n 's/^MODULES=//p' <<<"$k")" \
        --output "$i" --autooverlay >"$OUT/mkinitramfs-autooverlay.txt" 2>&1 || { rm -f "$i"; exit 1; }
    fi
  ) 9>"$OUT/initrd-autooverlay.lock" || return 1
  echo "$i"
}

ao_cmdline='root=live:/dev/disk/by-label/dracut rd.live.image rd.overlay=LABEL=persist rd.live.dir=LiveOS'

# ao_part2 DISK: "start size type" of dos entry 2, empty when there is none
ao_part2() {
  sfdisk -d "$1" 2>/dev/null | sed -n 's/.*2 : start= *\([0-9]*\), size= *\([0-9]*\), type=\([0-9a-f]*\).*/\1 \2 \3/p'
}

# Two boots of TEST-30's disk with 64 MiB free after its partition, a second disk beside it. Boot 1 makes dos
# entry 2 (type 83, from the first 1 MiB boundary after p1 to the end of the disk), formats it ext4 "persist" and
# keeps the test root's change there; boot 2, with TEST-30's other line (the deprecated rd.live.overlay=LABEL=persist),
# finds the partition and the change and makes nothing. The medium's own partition and the second disk are
# byte-identical after both boots.
s_autooverlay_create() {
  local i r o l1=$OUT/autooverlay-1.log l2=$OUT/autooverlay-2.log ob p1b p2 start size type
  i=$(ao_initrd) || { echo "FAIL autooverlay/initramfs: see $OUT/mkinitramfs-autooverlay.txt"; return; }
  r=$(disk autooverlay ao-root.img); o=$(disk autooverlay ao-other.img); ob=$(md5_of "$o")
  p1b=$(dd if="$r" bs=512 skip=2048 count=40960 status=none | md5sum | cut -d' ' -f1)
  INITRD=$i "$BOOT" "$l1" 120 "$ao_cmdline" $(dng_scsi "$r" root "$o" other)
  expect autooverlay/first-boot-creates "$l1" 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay' 'PERSIST-NONE' \
    'wrote dos entry 2 of /dev/sd[a-z]: sectors 43008\+131072' '/dev/sd[a-z]2 is ext4 LABEL=persist' \
    'OVERLAY-UPPER=/run/initramfs/overlayfs-device/LiveOS/overlay-persist-'
  p2=$(ao_part2 "$r"); read -r start size type <<<"$p2"
  [ -n "$start" ] && dd if="$r" of="$OUT/autooverlay-p2.img" bs=512 skip="$start" count="$size" status=none
  if [ "$start $size $type" = "43008 131072 83" ] \
     && blkid -p -o export "$OUT/autooverlay-p2.img" 2>/dev/null | grep -x 'LABEL=persist' >/dev/null \
     && blkid -p -o export "$OUT/autooverlay-p2.img" 2>/dev/null | grep -x 'TYPE=ext4' >/dev/null; then
    echo "PASS autooverlay/partition-on-disk"
  else echo "FAIL autooverlay/partition-on-disk: dos entry 2 is '$p2' (want 43008 131072 83, ext4 LABEL=persist)"; fi
  INITRD=$i "$BOOT" "$l2" "$TMO" "${ao_cmdline/rd.overlay=/rd.live.overlay=}" $(dng_scsi "$r" root "$o" other)
  expect autooverlay/second-boot-finds "$l2" 'LIVEINIT-ROOT-REACHED' 'PERSIST-FOUND previous_boots=1' \
    'OVERLAY-UPPER=/run/initramfs/overlayfs-device/LiveOS/overlay-persist-'
  # the test root's change of both boots is on the new partition, in dracut's overlay-<LABEL>-<UUID> folder
  local img=$OUT/autooverlay-p2.img uuid
  dd if="$r" of="$img" bs=512 skip="${start:-0}" count="${size:-0}" status=none
  uuid=$(blkid -p -s UUID -o value "$img" 2>/dev/null)
  if [ "$(debugfs -R "cat /LiveOS/overlay-persist-$uuid/var/lib/liveinit-boots" "$img" 2>/dev/null)" = 2 ]; then
    echo "PASS autooverlay/change-on-new-partition"
  else echo "FAIL autooverlay/change-on-new-partition: no var/lib/liveinit-boots = 2 in LiveOS/overlay-persist-*"
  fi
  rm -f "$img"
  refuse autooverlay/second-boot-makes-nothing "$l2" 'wrote dos entry' 'mke2fs'
  [ "$(ao_part2 "$r")" = "$p2" ] && echo "PASS autooverlay/second-boot-same-table" \
    || echo "FAIL autooverlay/second-boot-same-table: entry 2 is now '$(ao_part2 "$r")'"
  [ "$(dd if="$r" bs=512 skip=2048 count=40960 status=none | md5sum | cut -d' ' -f1)" = "$p1b" ] \
    && echo "PASS autooverlay/medium-partition-untouched" \
    || echo "FAIL autooverlay/medium-partition-untouched: partition 1 of $r changed"
  same_bytes autooverlay/other-disk-untouched "$o" "$ob"
}

# The medium's partition runs to the end of its disk: a warning naming the reason, changes in RAM, the disk (and
# the second disk, which has room) byte-identical.
s_autooverlay_no_space() {
  local i r o l=$OUT/autooverlay-full.log rb ob
  i=$(ao_initrd) || { echo "FAIL autooverlay/initramfs: see $OUT/mkinitramfs-autooverlay.txt"; return; }
  r=$(disk autooverlay-full ao-full.img); o=$(disk autooverlay-full ao-other.img)
  rb=$(md5_of "$r"); ob=$(md5_of "$o")
  INITRD=$i "$BOOT" "$l" "$TMO" "$ao_cmdline" $(dng_scsi "$r" root "$o" other)
  expect autooverlay/no-space-ram "$l" 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay' \
    'OVERLAY-UPPER=/run/liveinit/cow/' \
    'LABEL=persist is not made: /dev/sd[a-z]: no free space after the last partition.*no disk was written'
  refuse autooverlay/no-space-no-mkfs "$l" 'wrote dos entry' 'mke2fs -q'
  same_bytes autooverlay/no-space-disk-untouched "$r" "$rb"
  same_bytes autooverlay/no-space-other-disk-untouched "$o" "$ob"
}

# ao_gpt2 DISK: "start size type name" of GPT entry 2, empty when there is none
ao_gpt2() {
  sfdisk -d "$1" 2>/dev/null | sed -n \
    's/.*2 : start= *\([0-9]*\), size= *\([0-9]*\), type=\([0-9A-F-]*\), uuid=[0-9A-F-]*, name="\([^"]*\)".*/\1 \2 \3 \4/p'
}

# The same two boots on a GPT disk (GptAutoPartition): boot 1 makes GPT entry 2 (Linux filesystem data, named
# "persist", from the first 1 MiB boundary after p1 to the last 1 MiB boundary of the usable range), rewrites both
# headers and entry arrays (sgdisk -v finds no problem), formats it ext4 "persist"; boot 2 finds the change. The
# medium's partition and the second disk are byte-identical after both boots.
s_autooverlay_gpt() {
  local i r o l1=$OUT/autooverlay-gpt-1.log l2=$OUT/autooverlay-gpt-2.log ob p1b p2 start size type name
  local img=$OUT/autooverlay-gpt-p2.img uuid
  i=$(ao_initrd) || { echo "FAIL autooverlay/initramfs: see $OUT/mkinitramfs-autooverlay.txt"; return; }
  r=$(disk autooverlay-gpt ao-gpt.img); o=$(disk autooverlay-gpt ao-other.img); ob=$(md5_of "$o")
  p1b=$(dd if="$r" bs=512 skip=2048 count=40960 status=none | md5sum | cut -d' ' -f1)
  INITRD=$i "$BOOT" "$l1" 120 "$ao_cmdline" $(dng_scsi "$r" root "$o" other)
  expect autooverlay/gpt-first-boot-creates "$l1" 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay' 'PERSIST-NONE' \
    'wrote GPT entry 2 of /dev/sd[a-z]: sectors 43008\+129024' '/dev/sd[a-z]2 is ext4 LABEL=persist' \
    'OVERLAY-UPPER=/run/initramfs/overlayfs-device/LiveOS/overlay-persist-'
  p2=$(ao_gpt2 "$r"); read -r start size type name <<<"$p2"
  [ -n "$start" ] && dd if="$r" of="$img" bs=512 skip="$start" count="$size" status=none
  if [ "$start $size $type $name" = "43008 129024 0FC63DAF-8483-4772-8E79-3D69D8477DE4 persist" ] \
     && blkid -p -o export "$img" 2>/dev/null | grep -x 'LABEL=persist' >/dev/null \
     && blkid -p -o export "$img" 2>/dev/null | grep -x 'TYPE=ext4' >/dev/null; then
    echo "PASS autooverlay/gpt-partition-on-disk"
  else echo "FAIL autooverlay/gpt-partition-on-disk: GPT entry 2 is '$p2' (want 43008 129024 Linux data 'persist', ext4)"
  fi
  if sgdisk -v "$r" 2>&1 | grep 'No problems found' >/dev/null; then echo "PASS autooverlay/gpt-table-valid"
  else echo "FAIL autooverlay/gpt-table-valid: sgdisk -v $r: $(sgdisk -v "$r" 2>&1 | tr '\n' ' ' | cut -c1-300)"; fi
  INITRD=$i "$BOOT" "$l2" "$TMO" "${ao_cmdline/rd.overlay=/rd.live.overlay=}" $(dng_scsi "$r" root "$o" other)
  expect autooverlay/gpt-second-boot-finds "$l2" 'LIVEINIT-ROOT-REACHED' 'PERSIST-FOUND previous_boots=1' \
    'OVERLAY-UPPER=/run/initramfs/overlayfs-device/LiveOS/overlay-persist-'
  dd if="$r" of="$img" bs=512 skip="${start:-0}" count="${size:-0}" status=none
  uuid=$(blkid -p -s UUID -o value "$img" 2>/dev/null)
  if [ "$(debugfs -R "cat /LiveOS/overlay-persist-$uuid/var/lib/liveinit-boots" "$img" 2>/dev/null)" = 2 ]; then
    echo "PASS autooverlay/gpt-change-on-new-partition"
  else echo "FAIL autooverlay/gpt-change-on-new-partition: no var/lib/liveinit-boots = 2 in LiveOS/overlay-persist-*"
  fi
  rm -f "$img"
  refuse autooverlay/gpt-second-boot-makes-nothing "$l2" 'wrote GPT entry' 'mke2fs'
  [ "$(ao_gpt2 "$r")" = "$p2" ] && echo "PASS autooverlay/gpt-second-boot-same-table" \
    || echo "FAIL autooverlay/gpt-second-boot-same-table: entry 2 is now '$(ao_gpt2 "$r")'"
  [ "$(dd if="$r" bs=512 skip=2048 count=40960 status=none | md5sum | cut -d' ' -f1)" = "$p1b" ] \
    && echo "PASS autooverlay/gpt-medium-partition-untouched" \
    || echo "FAIL autooverlay/gpt-medium-partition-untouched: partition 1 of $r changed"
  same_bytes autooverlay/gpt-other-disk-untouched "$o" "$ob"
}
