# udev's names without udev (sourced by ../scenarios.sh). One machine with disks on every bus udev names
# differently — AHCI (two SATA disks, one with a WWN), NVMe, virtio-scsi (two disks, one with a WWN), virtio-blk and
# USB storage on xHCI — booted twice: by LiveInit (the medium found as root=live:/dev/disk/by-id/… or by-path/…;
# the root prints `liveinit names`) and by a udev-based initramfs (tests/peers/udevlist.sh: dracut 059 with
# systemd-udevd 252, which lists the links udev made). The two lists must be the same names, grouped the same way
# onto devices (sd letters differ between boots, so the groups are compared, not the letters).

# udev_disks DIR MEDIUM-SLOT: the qemu arguments; the live medium sits at slot sata1 or scsi1, blanks elsewhere
udev_disks() {
  local d=$1 live=$2 s f
  for s in sata1 sata2 nvme scsi1 scsi2 vblk usb; do
    f=$d/udev-$s.img
    if [ "$s" = "$live" ]; then cp --sparse=always "$MEDIA/udev-live.img" "$f"
    else cp --sparse=always "$MEDIA/udev-blank.img" "$f"; fi
  done
  echo "-device ahci,id=ahci" \
    "-drive if=none,id=s1,file=$d/udev-sata1.img,format=raw -device ide-hd,drive=s1,bus=ahci.0,serial=LISATA1" \
    "-drive if=none,id=s2,file=$d/udev-sata2.img,format=raw" \
    "-device ide-hd,drive=s2,bus=ahci.1,serial=LISATA2,wwn=0x5000c500a1b2c3d4" \
    "-drive if=none,id=n1,file=$d/udev-nvme.img,format=raw -device nvme,drive=n1,serial=LINVME1" \
    "-device virtio-scsi-pci,id=scsi" \
    "-drive if=none,id=c1,file=$d/udev-scsi1.img,format=raw -device scsi-hd,drive=c1,bus=scsi.0,serial=LISCSI1" \
    "-drive if=none,id=c2,file=$d/udev-scsi2.img,format=raw" \
    "-device scsi-hd,drive=c2,bus=scsi.0,serial=LISCSI2,wwn=0x5000c500deadbeef" \
    "-drive if=none,id=v1,file=$d/udev-vblk.img,format=raw -device virtio-blk-pci,drive=v1,serial=LIVIRTIO1" \
    "-device qemu-xhci,id=xhci" \
    "-drive if=none,id=u1,file=$d/udev-usb.img,format=raw -device usb-storage,bus=xhci.0,drive=u1,serial=LIUSB1"
}

# udev_compare NAME LIVEINIT-LOG PEER-LOG: same names, same grouping onto devices
udev_compare() {
  python3 - "$1" "$2" "$3" <<'PY'
import re, sys
name, li_log, peer_log = sys.argv[1:]
def groups(path, tag, done):
    log = open(path, errors="replace").read().replace("\r", "")
    if done not in log:
        return None
    by_dev = {}
    for link, dev in re.findall(rf"^{tag} (by-(?:id|path)/\S+) (/dev/\S+)$", log, re.M):
        by_dev.setdefault(dev, set()).add(link)
    return {frozenset(v) for v in by_dev.values()}, {l for v in by_dev.values() for l in v}
li, peer = groups(li_log, "UDEV-LI", "UDEV-LI-DONE"), groups(peer_log, "UDEV-PEER", "UDEV-PEER-DONE")
if li is None or peer is None:
    print(f"FAIL {name}: no complete list (liveinit: {li is not None}, udev: {peer is not None}; "
          f"logs {li_log} {peer_log})")
elif li != peer:
    missing, extra = sorted(peer[1] - li[1]), sorted(li[1] - peer[1])
    regrouped = "" if missing or extra else "; the same names, grouped onto devices differently"
    print(f"FAIL {name}: udev made {missing} and LiveInit did not; LiveInit computed {extra} udev did not{regrouped}")
elif len(peer[1]) < 30:
    print(f"FAIL {name}: only {len(peer[1])} links seen; the disks were not all there (log {peer_log})")
else:
    print(f"PASS {name}")
PY
}

# LiveInit boots the medium on SATA port 1 named by its by-id link (ata_id's name), lists its names; the udev
# initramfs boots the same machine; the lists must agree. LiveInit makes no /dev/disk links (UDEV-DEVDISK empty).
s_udev_names_by_id() {
  local d=$OUT/udevid l=$OUT/udev-by-id.log p=$OUT/udev-peer.log peer
  mkdir -p "$d"
  "$BOOT" "$l" "$TMO" 'root=live:/dev/disk/by-id/ata-QEMU_HARDDISK_LISATA1-part1 rd.live.image' $(udev_disks "$d" sata1)
  expect udev/by-id-root "$l" 'LIVEINIT-ROOT-REACHED' 'UDEV-LI-DONE' 'UDEV-DEVDISK \.' 'ROOTFS-TYPE=overlay'
  if ! peer=$(bash "$HERE/../peers/udevlist.sh" 2>"$OUT/udevlist-build.log"); then
    echo "FAIL udev/names-match-udev: the udev initramfs was not built (log: $OUT/udevlist-build.log)"; return
  fi
  VMLINUZ=$(sed -n 's/^VMLINUZ=//p' <<<"$peer") INITRD=$(sed -n 's/^INITRD=//p' <<<"$peer") \
    "$BOOT" "$p" 150 'root=LABEL=NO-SUCH-ROOT rd.retry=120' $(udev_disks "$d" sata1)
  udev_compare udev/names-match-udev "$l" "$p"
}

# The medium on virtio-scsi named by path_id's by-path link (PCI slot, scsi host:bus:target:lun).
s_udev_names_by_path() {
  local d=$OUT/udevpath l=$OUT/udev-by-path.log
  mkdir -p "$d"
  "$BOOT" "$l" "$TMO" 'root=live:/dev/disk/by-path/pci-0000:00:04.0-scsi-0:0:0:0-part1 rd.live.image' \
    $(udev_disks "$d" scsi1)
  expect udev/by-path-root "$l" 'LIVEINIT-ROOT-REACHED' 'ROOT-DEVICE=overlay' \
    'UDEV-LI by-path/pci-0000:00:04.0-scsi-0:0:0:0-part1 /dev/sd[a-z]1'
}

# dracut-ng's own test suite as the reference: each distinct client command line of test/TEST-30-DMSQUASH and
# test/TEST-21-OVERLAYFS, booted by LiveInit on media built the way those tests build them (qemu/media.d/dracutng.sh),
# the disks attached as the tests attach them (virtio-scsi disks with serials root, overlay, ...). What dracut-ng's
# assertion checks (the root's kind) is checked from the test root's markers; the disks nobody writes stay
# byte-identical.
dng_scsi() {  # FILE SERIAL...: scsi-hd disks on one virtio-scsi controller
  local a="-device virtio-scsi-pci,id=scsi" i=0
  while [ $# -gt 0 ]; do
    a+=" -drive if=none,id=d$i,file=$1,format=raw -device scsi-hd,drive=d$i,bus=scsi.0,serial=$2"
    shift 2; i=$((i + 1))
  done
  echo "$a"
}

# TEST-30-DMSQUASH: "rd.overlay root=live:/dev/disk/by-label/dracut" and its "live" and "livedir" variants
t30_boot() {  # NAME EXTRA-ARGS
  local r l=$OUT/$1.log before
  r=$(disk "$1" t30-root.img); before=$(md5_of "$r")
  "$BOOT" "$l" "$TMO" "rd.overlay root=live:/dev/disk/by-label/dracut $2" $(dng_scsi "$r" root)
  expect "dracut-ng/$1" "$l" 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay' 'OVERLAY-UPPER=/run/liveinit/cow/' \
    'MOUNT-VISIBLE /run/initramfs/live'
  same_bytes "dracut-ng/$1-medium-untouched" "$r" "$before"
}
s_dracutng_t30_overlayfs() { t30_boot t30-overlayfs ""; }
s_dracutng_t30_live() { t30_boot t30-live "rd.live.image"; }
s_dracutng_t30_livedir() { t30_boot t30-livedir "rd.live.image rd.live.dir=LiveOS"; }

scsi_name() {  # LOG TARGET: the sdX the kernel gave to target TARGET of the virtio-scsi bus (NO-DISK when none)
  log_of "$1" | sed -n -E "s/.* sd [0-9]+:0:$2:0: \[(sd[a-z]+)\] Attached SCSI disk.*/\1/p" | head -1 | grep . \
    || echo NO-DISK
}

# TEST-30's erofs and iso lines: all three of its disks attached as it attaches them (root, root_erofs, root_iso),
# the client options after "rd.overlay root=live:/dev/disk/by-label/dracut" (the last root= wins, as in dracut); the
# named disk is the medium (not the "dracut" one) and no disk is written.
t30_three() {  # NAME EXTRA-ARGS EXPECTED-PATTERN...
  local name=$1 a=$2 r e i l=$OUT/$1.log before; shift 2
  r=$(disk "$name" t30-root.img); e=$(disk "$name" t30-erofs.img); i=$(disk "$name" t30-iso.img)
  before=$(md5_of "$r")$(md5_of "$e")$(md5_of "$i")
  "$BOOT" "$l" "$TMO" "rd.overlay root=live:/dev/disk/by-label/dracut $a" \
    $(dng_scsi "$r" root "$e" root_erofs "$i" root_iso)
  # the kernel names the three disks in the order their probes finish (sd is probed asynchronously): @T1@ and @T2@
  # in a pattern become the names it gave to SCSI targets 1 (root_erofs) and 2 (root_iso), read from its log
  local t1 t2 p pats=()
  t1=$(scsi_name "$l" 1); t2=$(scsi_name "$l" 2)
  for p in "$@"; do p=${p//@T1@/$t1}; pats+=("${p//@T2@/$t2}"); done
  expect "dracut-ng/$name" "$l" 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay' 'OVERLAY-UPPER=/run/liveinit/cow/' \
    "${pats[@]}"
  refuse "dracut-ng/$name-not-the-dracut-disk" "$l" 'LABEL=dracut([^_]|$)'
  [ "$(md5_of "$r")$(md5_of "$e")$(md5_of "$i")" = "$before" ] && echo "PASS dracut-ng/$name-disks-untouched" \
    || echo "FAIL dracut-ng/$name-disks-untouched: a disk of $r $e $i changed"
}
s_dracutng_t30_erofs() {
  t30_three t30-erofs "root=live:/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_root_erofs" \
    'boot medium: /dev/@T1@: erofs ' 'the medium /dev/@T1@ is itself the image \(erofs\)'
}
s_dracutng_t30_iso() {
  t30_three t30-iso "iso-scan/filename=linux.iso root=live:/dev/disk/by-label/ISO rd.driver.pre=squashfs \
rd.driver.pre=ext4" 'found /linux.iso on /dev/@T2@$' \
    'the image file /dev/@T2@ \(ext4, read-only\) [^ ]*/linux.iso -> /dev/loop[0-9]+ \(iso9660 LABEL=ISO\)' \
    'image /run/initramfs/live/LiveOS/rootfs.img mounted at /run/initramfs/squashfs'
}

# TEST-21-OVERLAYFS: root=LABEL=dracut with rd.overlay=0 (no overlay: the ext4 root itself), rd.overlay and
# rd.overlay=1 (tmpfs), tmpfs:size=32M,nr_inodes=100000 (a sized tmpfs), LABEL=NONEXISTENT (a warning, tmpfs); the
# root disk and the overlay disk stay byte-identical in all of them.
t21_boot() {  # NAME "OPTS" TIMEOUT EXPECTED-PATTERN...
  local name=$1 opts=$2 tmo=$3 r o l=$OUT/$1.log rb ob; shift 3
  r=$(disk "$name" t21-root.img); o=$(disk "$name" t21-overlay.img); rb=$(md5_of "$r"); ob=$(md5_of "$o")
  "$BOOT" "$l" "$tmo" "root=LABEL=dracut $opts" $(dng_scsi "$r" root "$o" overlay)
  expect "dracut-ng/$name" "$l" 'LIVEINIT-ROOT-REACHED' "$@"
  [ "$(md5_of "$r")$(md5_of "$o")" = "$rb$ob" ] && echo "PASS dracut-ng/$name-disks-untouched" \
    || echo "FAIL dracut-ng/$name-disks-untouched: $r or $o changed"
}
s_dracutng_t21_none() { t21_boot t21-none "rd.overlay=0" "$TMO" 'ROOTFS-TYPE=ext4' 'ROOT-DEVICE=/dev/sd'; }
s_dracutng_t21_tmpfs() {
  t21_boot t21-tmpfs "rd.overlay" "$TMO" 'ROOTFS-TYPE=overlay' 'OVERLAY-UPPER=/run/liveinit/cow/' 'PERSIST-NONE'
}
s_dracutng_t21_tmpfs1() {
  t21_boot t21-tmpfs1 "rd.overlay=1" "$TMO" 'ROOTFS-TYPE=overlay' 'OVERLAY-UPPER=/run/liveinit/cow/'
}
s_dracutng_t21_tmpfs_sized() {
  t21_boot t21-tmpfs-sized "rd.overlay=tmpfs:size=32M,nr_inodes=100000" "$TMO" 'ROOTFS-TYPE=overlay' \
    'RAM \(tmpfs 32M\)'
}
s_dracutng_t21_nonexistent() {
  t21_boot t21-nonexistent "rd.overlay=LABEL=NONEXISTENT rd.retry=5" 120 'ROOTFS-TYPE=overlay' \
    'OVERLAY-UPPER=/run/liveinit/cow/' 'NONEXISTENT did not appear'
}

# TEST-21's three persistent forms, one after the other on the same overlay disk: LABEL=OVERLAY makes overlay/
# and ovlwork/ at the top of the device (as dracut-ng's prepare-overlayfs does) and keeps the change; UUID= and the
# by-id link (udev's name, computed by LiveInit) find the same device and the change; the root disk is untouched.
s_dracutng_t21_device() {
  local r o before n=0 opt l tag
  r=$(disk t21-device t21-root.img); o=$(disk t21-device t21-overlay.img); before=$(md5_of "$r")
  for opt in LABEL=OVERLAY UUID=0f0f0f0f-2121-4121-8121-0000000000a1 \
             /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_overlay; do
    n=$((n + 1)); l=$OUT/t21-device-$n.log; tag=${opt%%=*}; [ "${opt#/dev/}" = "$opt" ] || tag=by-id
    "$BOOT" "$l" "$TMO" "root=LABEL=dracut rd.overlay=$opt" $(dng_scsi "$r" root "$o" overlay)
    if [ $n = 1 ]; then
      expect "dracut-ng/t21-device-$tag" "$l" 'ROOTFS-TYPE=overlay' 'PERSIST-NONE' \
        'OVERLAY-UPPER=/run/initramfs/overlayfs-device/overlay'
    else
      expect "dracut-ng/t21-device-$tag" "$l" 'ROOTFS-TYPE=overlay' "PERSIST-FOUND previous_boots=$((n - 1))"
    fi
  done
  if debugfs -R 'ls -l /' "$o" 2>/dev/null | grep -E ' overlay$' >/dev/null \
     && debugfs -R 'ls -l /' "$o" 2>/dev/null | grep -E ' ovlwork$' >/dev/null; then
    echo "PASS dracut-ng/t21-device-layout"
  else echo "FAIL dracut-ng/t21-device-layout: no /overlay and /ovlwork on $o"; fi
  same_bytes dracut-ng/t21-device-root-untouched "$r" "$before"
}

# TEST-21's last line, "rd.overlay.crypt=LABEL=CRYPT test.expect=crypt", with an initramfs made by
# `liveinit mkinitramfs --overlay-crypt` (this host's cryptsetup and mke2fs with their libraries, dm-crypt).
t21_crypt_initrd() {  # [KERNEL-PACKAGE]: built once (the crypt scenarios may run at the same time)
  local i=$OUT/initrd-overlay-crypt${1:+-$1}.img k
  (
    flock 9
    if [ ! -s "$i" ]; then
      k=$(bash "$HERE/../../qemu/kernel.sh" ${1:+"$1"}) || exit 1
      "$HERE/../../artifacts/liveinit" mkinitramfs --modules-root "$(sed -n 's/^MODULES=//p' <<<"$k")" \
        --output "$i" --overlay-crypt >"$OUT/mkinitramfs-overlay-crypt${1:+-$1}.txt" 2>&1 || { rm -f "$i"; exit 1; }
    fi
  ) 9>"$OUT/initrd-overlay-crypt${1:+-$1}.lock" || return 1
  echo "$i"
}

# is_luks FILE: the LUKS magic at offset 0 (cryptsetup isLuks where it can run)
is_luks() {
  if command -v cryptsetup >/dev/null && cryptsetup isLuks "$1" 2>/dev/null; then return 0; fi
  [ "$(head -c 6 "$1" | od -An -tx1 | tr -d ' \n')" = "4c554b53babe" ]
}

# Three boots on the same three disks. Boot 1: the crypt disk (ext4 "CRYPT", not LUKS) is formatted: TEST-21's
# assertions in the guest (/dev/mapper/overlay-crypt on /run/overlayfs-backing, a dm device overlay-crypt with a
# CRYPT- uuid, /run/initramfs/overlayfs.passwd (0400), a writable overlay root, no mount point twice), the disk LUKS
# on the host, the root and overlay disks byte-identical. Boot 2: the disk is LUKS, nobody types: the prompt gives
# up (prompt=10), a warning, RAM, the crypt disk byte-identical; the same after a wrong passphrase. Boot 3: the passphrase boot 1 saved is typed on the
# serial console: the volume opens and the test root's change of boot 1 is there.
s_dracutng_t21_crypt() {
  local i r o c l1=$OUT/t21-crypt-1.log l2=$OUT/t21-crypt-2.log l3=$OUT/t21-crypt-3.log rb ob cb pass
  local l2w=$OUT/t21-crypt-2w.log
  i=$(t21_crypt_initrd) || { echo "FAIL dracut-ng/t21-crypt-initramfs: see $OUT/mkinitramfs-overlay-crypt.txt"; return; }
  r=$(disk t21-crypt t21-root.img); o=$(disk t21-crypt t21-overlay.img); c=$(disk t21-crypt t21-crypt.img)
  rb=$(md5_of "$r"); ob=$(md5_of "$o")
  INITRD=$i "$BOOT" "$l1" 180 "root=LABEL=dracut rd.overlay.crypt=LABEL=CRYPT test.expect=crypt" \
    $(dng_scsi "$r" root "$o" overlay "$c" crypt)
  expect dracut-ng/t21-crypt-create "$l1" 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay' 'PERSIST-NONE' \
    'FORMATTING /dev/sd[a-z] \(LABEL=CRYPT, ext4 LABEL=CRYPT\)' \
    'OVERLAY-UPPER=/run/overlayfs-backing/overlay' 'CRYPT-BACKING /dev/mapper/overlay-crypt ext4' \
    'DM-DEVICE overlay-crypt CRYPT-LUKS2-[0-9a-f]{32}-overlay-crypt' 'OVERLAY-PASSWD 400 [0-9a-f]{128}$' \
    'MOUNTED-TWICE \[\]' 'ROOT-WRITABLE'
  if is_luks "$c"; then echo "PASS dracut-ng/t21-crypt-disk-is-luks"
  else echo "FAIL dracut-ng/t21-crypt-disk-is-luks: $c has no LUKS header after boot 1"; fi
  [ "$(md5_of "$r")$(md5_of "$o")" = "$rb$ob" ] && echo "PASS dracut-ng/t21-crypt-other-disks-untouched" \
    || echo "FAIL dracut-ng/t21-crypt-other-disks-untouched: $r or $o changed"
  pass=$(log_of "$l1" | sed -n 's/^OVERLAY-PASSWD 400 \([0-9a-f]\{128\}\)$/\1/p' | head -1)

  cb=$(md5_of "$c")
  INITRD=$i "$BOOT" "$l2" 150 "root=LABEL=dracut rd.overlay.crypt=LABEL=CRYPT,prompt=10" \
    $(dng_scsi "$r" root "$o" overlay "$c" crypt)
  expect dracut-ng/t21-crypt-no-passphrase-ram "$l2" 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay' \
    'is LUKS: type its passphrase' 'Enter passphrase for /dev/sd' \
    '/dev/sd[a-z] was not opened: no right passphrase within 3 tries of 10 s .*left as it was; changes will' \
    'OVERLAY-UPPER=/run/liveinit/cow/'
  refuse dracut-ng/t21-crypt-no-passphrase-nothing-mounted "$l2" 'CRYPT-BACKING' 'FORMATTING'
  same_bytes dracut-ng/t21-crypt-no-passphrase-disk-untouched "$c" "$cb"

  if [ -z "$pass" ]; then echo "FAIL dracut-ng/t21-crypt-typed: boot 1 printed no passphrase"; return; fi
  # a wrong passphrase typed once, then nothing: cryptsetup says so, asks again, gives up; RAM, disk untouched
  TYPE_ON='Enter passphrase for /dev/sd' TYPE_TEXT=not-the-passphrase INITRD=$i "$BOOT" "$l2w" 150 \
    "root=LABEL=dracut rd.overlay.crypt=LABEL=CRYPT,prompt=10" $(dng_scsi "$r" root "$o" overlay "$c" crypt)
  expect dracut-ng/t21-crypt-wrong-passphrase-ram "$l2w" 'LIVEINIT-ROOT-REACHED' 'No key available with this passphrase' \
    '/dev/sd[a-z] was not opened: no right passphrase' 'OVERLAY-UPPER=/run/liveinit/cow/'
  refuse dracut-ng/t21-crypt-wrong-passphrase-nothing-mounted "$l2w" 'CRYPT-BACKING' 'FORMATTING'
  same_bytes dracut-ng/t21-crypt-wrong-passphrase-disk-untouched "$c" "$cb"

  TYPE_ON='Enter passphrase for /dev/sd' TYPE_TEXT=$pass INITRD=$i "$BOOT" "$l3" 180 \
    "root=LABEL=dracut rd.overlay.crypt=LABEL=CRYPT,prompt=60" $(dng_scsi "$r" root "$o" overlay "$c" crypt)
  expect dracut-ng/t21-crypt-typed "$l3" 'LIVEINIT-ROOT-REACHED' 'PERSIST-FOUND previous_boots=1' \
    'CRYPT-BACKING /dev/mapper/overlay-crypt ext4' 'OVERLAY-UPPER=/run/overlayfs-backing/overlay'
  refuse dracut-ng/t21-crypt-typed-no-format "$l3" 'FORMATTING' 'mke2fs'
  [ "$(md5_of "$r")$(md5_of "$o")" = "$rb$ob" ] && echo "PASS dracut-ng/t21-crypt-root-untouched-3-boots" \
    || echo "FAIL dracut-ng/t21-crypt-root-untouched-3-boots: $r or $o changed"
}

# TEST-21's crypt line on Debian's 6.12 kernel (ecb built in there, a module on 6.1): the --overlay-crypt image made
# for it formats and opens the volume the same way.
s_dracutng_t21_crypt_612() {
  local i r o c l=$OUT/t21-crypt-612.log rb ob
  if [ -z "${VMLINUZ_NEW:-}" ]; then echo "SKIP dracut-ng/t21-crypt-6.12: no second kernel"; return; fi
  i=$(t21_crypt_initrd linux-image-6.12-amd64) \
    || { echo "FAIL dracut-ng/t21-crypt-6.12-initramfs: see $OUT/mkinitramfs-overlay-crypt-linux-image-6.12-amd64.txt"; return; }
  r=$(disk t21-crypt-612 t21-root.img); o=$(disk t21-crypt-612 t21-overlay.img); c=$(disk t21-crypt-612 t21-crypt.img)
  rb=$(md5_of "$r"); ob=$(md5_of "$o")
  VMLINUZ=$VMLINUZ_NEW INITRD=$i "$BOOT" "$l" 180 "root=LABEL=dracut rd.overlay.crypt=LABEL=CRYPT test.expect=crypt" \
    $(dng_scsi "$r" root "$o" overlay "$c" crypt)
  expect dracut-ng/t21-crypt-6.12 "$l" 'LIVEINIT-ROOT-REACHED' 'Linux version 6\.12' 'FORMATTING /dev/sd[a-z]' \
    'CRYPT-BACKING /dev/mapper/overlay-crypt ext4' 'DM-DEVICE overlay-crypt CRYPT-LUKS2-' \
    'OVERLAY-PASSWD 400 [0-9a-f]{128}$' 'MOUNTED-TWICE \[\]' 'ROOT-WRITABLE'
  if is_luks "$c"; then echo "PASS dracut-ng/t21-crypt-6.12-disk-is-luks"
  else echo "FAIL dracut-ng/t21-crypt-6.12-disk-is-luks: $c has no LUKS header"; fi
  [ "$(md5_of "$r")$(md5_of "$o")" = "$rb$ob" ] && echo "PASS dracut-ng/t21-crypt-6.12-other-disks-untouched" \
    || echo "FAIL dracut-ng/t21-crypt-6.12-other-disks-untouched: $r or $o changed"
}

# The same line on a CPU without AES-NI (-cpu qemu64 after boot.sh's -cpu max): the generic AES and XTS do the
# work, the AES-NI driver is not even tried.
s_dracutng_t21_crypt_noaes() {
  local i r o c l=$OUT/t21-crypt-noaes.log
  i=$(t21_crypt_initrd) || { echo "FAIL dracut-ng/t21-crypt-initramfs: see $OUT/mkinitramfs-overlay-crypt.txt"; return; }
  r=$(disk t21-crypt-noaes t21-root.img); o=$(disk t21-crypt-noaes t21-overlay.img); c=$(disk t21-crypt-noaes t21-crypt.img)
  INITRD=$i "$BOOT" "$l" 180 "root=LABEL=dracut rd.overlay.crypt=LABEL=CRYPT" \
    $(dng_scsi "$r" root "$o" overlay "$c" crypt) -cpu qemu64
  expect dracut-ng/t21-crypt-no-aes-ni "$l" 'LIVEINIT-ROOT-REACHED' 'FORMATTING /dev/sd[a-z]' \
    'CRYPT-BACKING /dev/mapper/overlay-crypt ext4' 'DM-DEVICE overlay-crypt CRYPT-LUKS2-' 'ROOT-WRITABLE'
  refuse dracut-ng/t21-crypt-no-aes-ni-driver-not-tried "$l" 'aesni_intel'
  if is_luks "$c"; then echo "PASS dracut-ng/t21-crypt-no-aes-ni-disk-is-luks"
  else echo "FAIL dracut-ng/t21-crypt-no-aes-ni-disk-is-luks: $c has no LUKS header"; fi
}

# rd.overlay.crypt with a live image (TEST-30's medium, root=live:): the encrypted overlay is the overlayfs upper
# above the image; the medium byte-identical.
s_dracutng_t30_crypt() {
  local i m c l=$OUT/t30-crypt.log mb
  i=$(t21_crypt_initrd) || { echo "FAIL dracut-ng/t21-crypt-initramfs: see $OUT/mkinitramfs-overlay-crypt.txt"; return; }
  m=$(disk t30-crypt t30-root.img); c=$(disk t30-crypt t21-crypt.img); mb=$(md5_of "$m")
  INITRD=$i "$BOOT" "$l" 180 "rd.overlay root=live:/dev/disk/by-label/dracut rd.live.image rd.overlay.crypt=LABEL=CRYPT" \
    $(dng_scsi "$m" root "$c" crypt)
  expect dracut-ng/t30-crypt "$l" 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay' 'MOUNT-VISIBLE /run/initramfs/live' \
    'FORMATTING /dev/sd[a-z]' 'OVERLAY-UPPER=/run/overlayfs-backing/overlay' \
    'CRYPT-BACKING /dev/mapper/overlay-crypt ext4' 'MOUNTED-TWICE \[\]' 'ROOT-WRITABLE'
  same_bytes dracut-ng/t30-crypt-medium-untouched "$m" "$mb"
  if is_luks "$c"; then echo "PASS dracut-ng/t30-crypt-disk-is-luks"
  else echo "FAIL dracut-ng/t30-crypt-disk-is-luks: $c has no LUKS header"; fi
}

# rd.overlay.crypt refused: a warning (PATTERN), RAM, nothing opened or formatted, every disk byte-identical.
# CLONE=1 attaches a second copy of the crypt disk (the same label).
t21_crypt_refused() {  # NAME CLONE OPTION PATTERN
  local name=$1 clone=$2 opt=$3 pattern=$4 i r o c scsi l=$OUT/$1.log before disks
  i=$(t21_crypt_initrd) || { echo "FAIL dracut-ng/t21-crypt-initramfs: see $OUT/mkinitramfs-overlay-crypt.txt"; return; }
  r=$(disk "$name" t21-root.img); o=$(disk "$name" t21-overlay.img); c=$(disk "$name" t21-crypt.img)
  disks=("$r" "$o" "$c"); scsi=$(dng_scsi "$r" root "$o" overlay "$c" crypt)
  if [ "$clone" = 1 ]; then
    disks+=("$OUT/$name-clone.img"); cp --sparse=always "$c" "${disks[3]}"
    scsi=$(dng_scsi "$r" root "$o" overlay "$c" crypt "${disks[3]}" crypt2)
  fi
  before=$(for x in "${disks[@]}"; do md5_of "$x"; done)
  # shellcheck disable=SC2086
  INITRD=$i "$BOOT" "$l" 120 "root=LABEL=dracut rd.overlay.crypt=$opt" $scsi
  expect "dracut-ng/$name" "$l" 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay' 'OVERLAY-UPPER=/run/liveinit/cow/' \
    "$pattern"
  refuse "dracut-ng/$name-nothing-made" "$l" 'FORMATTING' 'CRYPT-BACKING' 'Enter passphrase'
  [ "$(for x in "${disks[@]}"; do md5_of "$x"; done)" = "$before" ] && echo "PASS dracut-ng/$name-disks-untouched" \
    || echo "FAIL dracut-ng/$name-disks-untouched: a disk of ${disks[*]} changed"
}
# a device that never comes (timeout=3)
s_dracutng_t21_crypt_missing() {
  t21_crypt_refused t21-crypt-missing 0 LABEL=NONEXISTENT,timeout=3 \
    'rd.overlay.crypt\): LABEL=NONEXISTENT did not appear within 3 s .*nothing was written'
}
# mkfs=0 on the crypt disk, which is not LUKS
s_dracutng_t21_crypt_nomkfs() {
  t21_crypt_refused t21-crypt-nomkfs 0 LABEL=CRYPT,mkfs=0 \
    '/dev/sd[a-z] is not LUKS \(ext4\) and mkfs=0 forbids formatting it; nothing was written'
}
# the root device itself (LABEL=dracut, mounted as the overlay's lower layer): refused before anything is opened
s_dracutng_t21_crypt_rootdev() {
  t21_crypt_refused t21-crypt-rootdev 0 LABEL=dracut \
    '/dev/sd[a-z] is not used: it is the root \(boot medium\) device; nothing was written; changes will be kept in RAM'
}
# two disks carry the label (a cloned stick): which one to format is ambiguous, so neither is
s_dracutng_t21_crypt_twolabels() {
  t21_crypt_refused t21-crypt-two-labels 1 LABEL=CRYPT \
    'LABEL=CRYPT names 2 devices \(/dev/sd[a-z], /dev/sd[a-z]\): none is formatted; .*nothing was written'
}
