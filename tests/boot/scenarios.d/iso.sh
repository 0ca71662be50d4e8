# ISO files on data partitions, one boot per dialect and host filesystem (ext4 and exFAT) with the peer's own
# parameters (sourced by ../scenarios.sh); both filesystems hold the same multi-dialect ISO (/isos/live.iso on ext4
# "DATA4", /ISO/live.iso on exFAT "DATAX"). The partition holding the ISO must be byte-identical after every boot (it
# is mounted read-only without journal replay), the whole disk too unless persistence was asked for.
part_md5() { dd if="$1" bs=1M skip="$2" count="$3" status=none | md5sum | cut -d' ' -f1; }
same_part() {  # name disk start-MiB size-MiB md5-before
  local now; now=$(part_md5 "$2" "$3" "$4")
  if [ "$now" = "$5" ]; then echo "PASS $1"; else echo "FAIL $1: $2 partition at $3 MiB changed ($5 -> $now)"; fi
}
ISO_CHAIN='the image file /dev/vda1 \((ext4|exfat), read-only\) [^ ]*live.iso'
ISO_CHAIN+=' -> /dev/loop[0-9]+ \(iso9660 LABEL=ISOLIVE\)'

s_iso_archiso_ext4_cow() {
  local d; d=$(disk isoarch iso-ext4-cow.img)
  local p1; p1=$(part_md5 "$d" 1 32)
  local a='img_dev=/dev/disk/by-label/DATA4C img_loop=/isos/live.iso archisobasedir=sysresccd archisolabel=ISOLIVE'
  a+=' cow_label=isopersist'
  "$BOOT" "$OUT/isoarch1.log" "$TMO" "$a" $(virtio "$d")
  "$BOOT" "$OUT/isoarch2.log" "$TMO" "$a" $(virtio "$d")
  expect iso/archiso-img-dev-img-loop-on-ext4 "$OUT/isoarch1.log" "$ISO_CHAIN mounted at /run/archiso/bootmnt" \
    'writable layer: .*persistent_ISOLIVE/x86_64/upperdir on /dev/vda2 \(persistent\)' 'LIVEINIT-ROOT-REACHED' \
    'PERSIST-NONE' 'MOUNT-VISIBLE /run/archiso/bootmnt'
  expect iso/archiso-cow-beside-the-iso-second-boot "$OUT/isoarch2.log" 'PERSIST-FOUND previous_boots=1'
  same_part iso/archiso-iso-partition-identical "$d" 1 32 "$p1"
}

s_iso_antix_fromiso_ext4() {
  local d; d=$(disk isoantix iso-ext4.img); local m; m=$(md5_of "$d")
  "$BOOT" "$OUT/isoantix.log" "$TMO" 'fromiso=/isos/live.iso blabel=DATA4 from=hd' $(virtio "$d")
  expect iso/antix-fromiso-on-ext4 "$OUT/isoantix.log" "$ISO_CHAIN mounted at /live/boot-dev" \
    'fromiso: live remastering needs a frugal install' 'LIVEINIT-ROOT-REACHED'
  refuse iso/antix-fromiso-remaster-refused "$OUT/isoantix.log" 'VARIANT=v2' 'linuxfs.new -> linuxfs'
  same_bytes iso/antix-fromiso-disk-identical "$d" "$m"
}

s_iso_liveboot_findiso_ext4() {
  local d; d=$(disk isolb iso-ext4.img); local m; m=$(md5_of "$d")
  "$BOOT" "$OUT/isolb.log" "$TMO" 'boot=live findiso=/isos/live.iso' $(virtio "$d")
  expect iso/liveboot-findiso-on-ext4 "$OUT/isolb.log" 'found /isos/live.iso on /dev/vda1' \
    "$ISO_CHAIN mounted at /run/live/medium" 'live/filesystem.squashfs mounted at' 'LIVEINIT-ROOT-REACHED'
  same_bytes iso/liveboot-findiso-disk-identical "$d" "$m"
}

s_iso_sysresccd5_isoloop_exfat() {
  local d; d=$(disk isosrc5 iso-exfat.img); local m; m=$(md5_of "$d")
  "$BOOT" "$OUT/isosrc5.log" "$TMO" 'isoloop=/ISO/live.iso' $(virtio "$d")
  expect iso/sysresccd5-isoloop-on-exfat "$OUT/isosrc5.log" 'found /ISO/live.iso on /dev/vda1' \
    "$ISO_CHAIN mounted at /livemnt/boot" 'sysrcd.dat mounted at' 'LIVEINIT-ROOT-REACHED'
  same_bytes iso/sysresccd5-isoloop-disk-identical "$d" "$m"
}

s_iso_dracut_isoscan_exfat() {
  local d; d=$(disk isodracut iso-exfat.img); local m; m=$(md5_of "$d")
  "$BOOT" "$OUT/isodracut.log" "$TMO" 'root=live:CDLABEL=ISOLIVE rd.live.image iso-scan/filename=/ISO/live.iso' \
    $(virtio "$d")
  expect iso/dracut-iso-scan-on-exfat "$OUT/isodracut.log" "$ISO_CHAIN mounted at /run/initramfs/live" \
    'LiveOS/squashfs.img mounted at' 'LIVEINIT-ROOT-REACHED'
  same_bytes iso/dracut-iso-scan-disk-identical "$d" "$m"
}

s_iso_link_off_the_host_refused() {
  local d i; d=$(disk isoevil iso-ext4.img); i=$(disk isoevil internal-dirty.img)
  local md mi; md=$(md5_of "$d"); mi=$(md5_of "$i")
  local a='img_dev=/dev/disk/by-label/DATA4 img_loop=/isos/evil.iso archisolabel=ISOLIVE rd.shell=0'
  "$BOOT" "$OUT/isoevil.log" "$TMO" "$a" $(virtio "$d") $(virtio "$i")
  expect iso/image-file-link-off-the-host-refused "$OUT/isoevil.log" \
    'img_dev/img_loop: /run/archiso/img_dev/isos/evil.iso: refused: .*/dev/vdb' \
    'must be a regular file on /dev/vda1 itself; nothing was mounted' \
    'reboot: Power down'
  refuse iso/image-file-link-never-mounted "$OUT/isoevil.log" 'LIVEINIT-ROOT-REACHED' 'boot medium: the image file'
  same_bytes iso/image-file-link-host-identical "$d" "$md"
  same_bytes iso/image-file-link-internal-disk-identical "$i" "$mi"
}

# the other filesystem for each dialect: the same ISO, the same chain, the disk byte-identical
iso_other_fs() {  # NAME DISK-IMAGE CMDLINE MOUNT-POINT EXTRA-PATTERN...
  local name=$1 img=$2 a=$3 mnt=$4 d m fs=${2#iso-}; fs=${fs%.img}; shift 4
  d=$(disk "$name" "$img"); m=$(md5_of "$d")
  "$BOOT" "$OUT/$name.log" "$TMO" "$a" $(virtio "$d")
  expect "iso/$name" "$OUT/$name.log" "$ISO_CHAIN mounted at $mnt" "the image file /dev/vda1 \\($fs, read-only\\)" \
    'LIVEINIT-ROOT-REACHED' "$@"
  same_bytes "iso/$name-disk-identical" "$d" "$m"
}
s_iso_archiso_exfat() {
  iso_other_fs archiso-img-dev-img-loop-on-exfat iso-exfat.img \
    'img_dev=/dev/disk/by-label/DATAX img_loop=/ISO/live.iso archisobasedir=sysresccd archisolabel=ISOLIVE' \
    /run/archiso/bootmnt 'PERSIST-NONE'
}
s_iso_antix_fromiso_exfat() {
  iso_other_fs antix-fromiso-on-exfat iso-exfat.img 'fromiso=/ISO/live.iso blabel=DATAX from=hd' /live/boot-dev \
    'fromiso: live remastering needs a frugal install'
}
s_iso_liveboot_findiso_exfat() {
  iso_other_fs liveboot-findiso-on-exfat iso-exfat.img 'boot=live findiso=/ISO/live.iso' /run/live/medium \
    'found /ISO/live.iso on /dev/vda1' 'live/filesystem.squashfs mounted at'
}
s_iso_sysresccd5_isoloop_ext4() {
  iso_other_fs sysresccd5-isoloop-on-ext4 iso-ext4.img 'isoloop=/isos/live.iso' /livemnt/boot \
    'found /isos/live.iso on /dev/vda1' 'sysrcd.dat mounted at'
}
s_iso_dracut_isoscan_ext4() {
  iso_other_fs dracut-iso-scan-on-ext4 iso-ext4.img \
    'root=live:CDLABEL=ISOLIVE rd.live.image iso-scan/filename=/isos/live.iso' /run/initramfs/live \
    'LiveOS/squashfs.img mounted at'
}

# root=live: names the medium by its label: an ISO file with another label is another image than the line expects
# (an updated ISO under the old name, say): refused with both labels named, before anything is mounted from it
s_iso_dracut_isoscan_wrong_label() {
  local d; d=$(disk isowrong iso-ext4.img); local m; m=$(md5_of "$d")
  "$BOOT" "$OUT/isowrong.log" "$TMO" \
    'root=live:CDLABEL=Fedora-41 rd.live.image iso-scan/filename=/isos/live.iso rd.shell=0' $(virtio "$d")
  expect iso/dracut-iso-scan-label-mismatch-refused "$OUT/isowrong.log" \
    'iso-scan/filename: /run/initramfs/isoscan/isos/live.iso is iso9660 LABEL=ISOLIVE' \
    'but root= names the medium LABEL=Fedora-41' 'reboot: Power down'
  refuse iso/dracut-iso-scan-label-mismatch-nothing-mounted "$OUT/isowrong.log" 'LIVEINIT-ROOT-REACHED' \
    'boot medium: the image file'
  same_bytes iso/dracut-iso-scan-label-mismatch-disk-identical "$d" "$m"
}
