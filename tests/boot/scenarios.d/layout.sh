# The layout contracts the peers' own tools read (issue 9), booted in the "layout" root (qemu/media.d/layout.sh,
# qemu/layoutroot-init.sh prints the LAYOUT-* markers): antiX's /live-config/remaster.conf, SystemRescueCd-5
# without any dialect parameter (layout detection) and its store at /mnt/memory, Fedora LiveOS's
# /run/initramfs/livedev, a rootfs.img straight on the medium, a medium that is the image itself, LiveOS/home.img,
# copytoram taking the SRMs along, and https srm load with certificate verification.

# remaster.conf on the boot that swaps in linuxfs.new, then on the boot that rolls back; the label is hostile
s_layout_remaster_conf() {
  local d; d=$(disk lyrm layout-antix.img)
  "$BOOT" "$OUT/lyrm1.log" "$TMO" 'bdev=/dev/vda' $(virtio "$d")
  "$BOOT" "$OUT/lyrm2.log" "$TMO" 'bdev=/dev/vda rollback' $(virtio "$d")
  "$BOOT" "$OUT/lyrm3.log" "$TMO" 'bdev=/dev/vda noremaster' $(virtio "$d")
  expect layout/remaster-conf-written-with-the-swap "$OUT/lyrm1.log" 'remaster applied' \
    'LAYOUT-REMASTER-CONF-FS tmpfs' "LAYOUT-REMASTER-CONF BOOT_DEV='/dev/vda'" "LAYOUT-REMASTER-CONF BOOT_MP='/live/boot-dev'" \
    "LAYOUT-REMASTER-CONF SQFILE_FULL='/live/boot-dev/antiX/linuxfs'" "LAYOUT-REMASTER-CONF AUFS_MP='/'" \
    "LAYOUT-REMASTER-CONF BOOT_FSTYPE='ext4'" "LAYOUT-REMASTER-CONF REMASTERED='true'" \
    'LAYOUT-CONF-LABEL-LITERAL' 'LAYOUT-CONF-RAN-NOTHING' 'LAYOUT-CONF-IMAGE-FOUND /live/boot-dev/antiX/linuxfs' \
    'LAYOUT-CONF-BOOT-DEV-MOUNTED' 'LAYOUT-CONF-AUFS-OK /run/liveinit/cow/upperdir' 'LIVEINIT-ROOT-DONE'
  refuse layout/remaster-conf-no-rollback-on-the-swap-boot "$OUT/lyrm1.log" 'ROLLED_BACK' 'LAYOUT-NO-REMASTER-CONF'
  expect layout/remaster-conf-says-rolled-back "$OUT/lyrm2.log" "LAYOUT-REMASTER-CONF ROLLED_BACK='true'" \
    'LAYOUT-CONF-LABEL-LITERAL' 'LAYOUT-CONF-RAN-NOTHING' 'LIVEINIT-ROOT-DONE'
  refuse layout/remaster-conf-rollback-boot-no-swap "$OUT/lyrm2.log" 'REMASTERED'
  expect layout/remaster-conf-not-with-noremaster "$OUT/lyrm3.log" 'LAYOUT-NO-REMASTER-CONF' 'LIVEINIT-ROOT-DONE'
}

# SystemRescueCd-5: no dialect parameter at all (a 5.x boot line), the store on a USB stick at /mnt/memory (that
# the store persists across boots is s_sysrescuecd5_backstore's)
s_layout_sysrcd5_detected() {
  local d b; d=$(disk lysrcd layout-srcd5.img); b=$(disk lysrcdbs layout-bs.img)
  local q="$(virtio "$d") -device qemu-xhci,id=xhci -drive if=none,id=bs,format=raw,cache=unsafe,file=$b -device usb-storage,bus=xhci.0,drive=bs"
  "$BOOT" "$OUT/lysrcd1.log" "$TMO" 'setkmap=de' $q
  expect layout/sysrcd5-detected-without-parameters "$OUT/lysrcd1.log" 'detect boot' \
    'layout detected: /sysrcd.dat on /dev/vda: the sysresccd5 layout' 'found /sysrcd.bs on /dev/sda' \
    'LAYOUT-MNT-MEMORY /dev/loop[0-9]+ ext[234]' 'LAYOUT-MNT-MEMORY-HOLDS-UPPER' 'MOUNT-VISIBLE /livemnt/memory' \
    'LAYOUT-NO-REMASTER-CONF' 'PERSIST-NONE' 'LIVEINIT-ROOT-DONE'
  refuse layout/sysrcd5-detected-no-plan-error "$OUT/lysrcd1.log" 'no live-boot parameters' 'emergency shell'
}

# archiso's */x86_64/airootfs.sfs found by detection (the folder is not "arch"), then copytoram with an SRM:
# the medium is let go, the SRM's content is there
s_layout_archiso_detected_and_copytoram() {
  local d; d=$(disk lyarch layout-arch.img)
  "$BOOT" "$OUT/lyarch1.log" "$TMO" 'quiet' $(virtio "$d")
  "$BOOT" "$OUT/lyarch2.log" "$TMO" 'archisobasedir=myrescue archisolabel=ARCHX loadsrm copytoram=y' $(virtio "$d")
  expect layout/archiso-detected-by-its-folder "$OUT/lyarch1.log" \
    'layout detected: /myrescue/x86_64/airootfs.sfs on /dev/vda: the archiso layout' \
    'archisodevice=/dev/vda archisobasedir=myrescue' 'MOUNT-VISIBLE /run/archiso/bootmnt' 'LIVEINIT-ROOT-DONE'
  expect layout/copytoram-takes-the-srms "$OUT/lyarch2.log" 'to RAM in [0-9]+ ms \(with 1 SRM\)' \
    'SRM layout.srm mounted' '/run/archiso/bootmnt unmounted, it can be removed' 'LAYOUT-MEDIUM-FREE' \
    'SRM-PRESENT from-layout-srm' 'LAYOUT-LOOP-BACKING .*/run/liveinit/copytoram/srm-copy/myrescue/layout.srm' \
    'LIVEINIT-ROOT-DONE'
  refuse layout/copytoram-medium-not-held "$OUT/lyarch2.log" 'LAYOUT-MEDIUM-HELD' 'MOUNT-VISIBLE /run/archiso/bootmnt' \
    'LAYOUT-LOOP-BACKING .*bootmnt'
}

# Fedora LiveOS: an uncompressed LiveOS/rootfs.img straight on the medium (what overlay merge --to rootfs leaves),
# /run/initramfs/livedev, and LiveOS/home.img: a change in /home survives the reboot
s_layout_liveos_rootfs_img_and_home() {
  local d; d=$(disk lylos layout-losext.img)
  "$BOOT" "$OUT/lylos1.log" "$TMO" 'root=live:LABEL=LOSEXT rd.live.image' $(virtio "$d")
  "$BOOT" "$OUT/lylos2.log" "$TMO" 'root=live:LABEL=LOSEXT rd.live.image' $(virtio "$d")
  expect layout/liveos-ext4-rootfs-img-on-the-medium "$OUT/lylos1.log" \
    'image /run/initramfs/live/LiveOS/rootfs.img mounted' 'LAYOUT-LIVEDEV /dev/vda$' 'LAYOUT-LIVEDEV-IS-BLOCK' \
    'ROOTFS-TYPE=overlay' 'HOME-MOUNT=/dev/loop[0-9]+ ext4' 'LIVEINIT-ROOT-DONE'
  expect layout/liveos-home-img-survives-a-reboot "$OUT/lylos2.log" 'HOME-PERSIST-FOUND 1' 'LIVEINIT-ROOT-DONE'
}

# LiveOS/rootfs.img as erofs on the medium
s_layout_liveos_erofs_rootfs_img() {
  local d; d=$(disk lyero layout-loserofs.img); local l=$OUT/lyero.log
  "$BOOT" "$l" "$TMO" 'root=live:LABEL=LOSEROFS rd.live.image' $(virtio "$d")
  expect layout/liveos-erofs-rootfs-img-on-the-medium "$l" 'image /run/initramfs/live/LiveOS/rootfs.img mounted' \
    'LAYOUT-LIVEDEV /dev/vda$' 'LIVEINIT-ROOT-DONE'
}

# root=live:<device> where the device itself is the image: a squashfs disk, an ext4 disk
s_layout_liveos_device_is_the_image() {
  local d e; d=$(disk lydevsq layout-dev.sfs); e=$(disk lydevext layout-dev-ext.img)
  "$BOOT" "$OUT/lydev1.log" "$TMO" 'root=live:/dev/vda rd.live.image' $(virtio "$d")
  "$BOOT" "$OUT/lydev2.log" "$TMO" 'root=live:LABEL=DEVEXT rd.live.image' $(virtio "$e")
  expect layout/liveos-squashfs-device-is-the-image "$OUT/lydev1.log" 'the medium /dev/vda \(squashfs\) holds no' \
    'it is the image itself' 'LAYOUT-LIVEDEV /dev/vda$' 'ROOTFS-TYPE=overlay' 'LIVEINIT-ROOT-DONE'
  expect layout/liveos-ext4-device-is-the-image "$OUT/lydev2.log" 'the medium /dev/vda \(ext4\) holds no' \
    'LIVEINIT-ROOT-DONE'
}

# https srm load (and, in the same boot, srm pack --pacman): a certificate from the test CA the guest trusts loads; a self-signed one is refused with a
# message about the certificate; -i accepts it. Servers on the host loopback (the guest sees 10.0.2.2).
layout_https() {  # CERT KEY: serve $MEDIA/layout-tls/www over https on 127.0.0.1; sets LY_PORT and LY_PID
  local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 - "$port" "$1" "$2" "$MEDIA/layout-tls/www" >>"$OUT/layout-https.log" 2>&1 <<'PY' &
import functools, http.server, ssl, sys
port, cert, key, root = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), h)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
PY
  LY_PID=$!
  for _ in 1 2 3 4 5 6 7 8 9 10; do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" 2>/dev/null && break; sleep 0.3; done
  LY_PORT=$port
}

s_layout_https_srm_load() {
  local d t=$MEDIA/layout-tls good self pg ps; d=$(disk lytls layout-arch.img)
  layout_https "$t/good.crt" "$t/good.key"; good=$LY_PORT pg=$LY_PID
  layout_https "$t/self.crt" "$t/self.key"; self=$LY_PORT ps=$LY_PID
  "$BOOT" "$OUT/lytls.log" "$TMO" "archisobasedir=myrescue archisolabel=ARCHX -- tls $good $self" $(virtio "$d") \
    -netdev user,id=n -device virtio-net-pci,netdev=n
  kill "$pg" "$ps" 2>/dev/null; wait "$pg" "$ps" 2>/dev/null
  expect layout/https-srm-load-verifies-certificates "$OUT/lytls.log" 'LAYOUT-TLS-GOOD-LOADED' 'LAYOUT-TLS-GOOD-CONTENT' \
    'LAYOUT-TLS-SELF-REFUSED' 'LAYOUT-TLS-SELF-SAYS-CERTIFICATE' 'LAYOUT-TLS-SELF-INSECURE-LOADED' \
    'LAYOUT-TLS-SELF-INSECURE-CONTENT' 'LIVEINIT-ROOT-DONE'
  # the same boot: srm pack --pacman against the root's pacman database (a package installed since boot)
  expect layout/srm-pack-pacman-in-a-boot "$OUT/lytls.log" 'LAYOUT-PACMAN-PREPARED' 'LAYOUT-PACMAN-PACKAGE-PACKED' \
    'LAYOUT-PACMAN-OTHERS-LEFT-OUT'
}

# remaster create without root persistence (the tools root, qemu/media.d/tools.sh): the changes in RAM make
# linuxfs.new, the next boot swaps it in and remaster.conf says so
s_layout_remaster_create_without_persistence() {
  local d; d=$(disk lyrmplain tools-antix.img)
  "$BOOT" "$OUT/lyrmplain1.log" $((TMO * 3)) 'blabel=TOOLSAX -- rm-create-plain' $(virtio "$d")   # mksquashfs under TCG
  "$BOOT" "$OUT/lyrmplain2.log" "$TMO" 'blabel=TOOLSAX -- rm-check-plain' $(virtio "$d")
  tools_ok layout/remaster-create-without-persistence "$OUT/lyrmplain1.log" remaster-plain-conf remaster-plain-create \
    remaster-plain-md5sum remaster-plain-no-rootfs-new
  expect layout/remaster-without-persistence-swapped-at-boot "$OUT/lyrmplain2.log" 'remaster applied'
  tools_ok layout/remaster-without-persistence-new-image-booted "$OUT/lyrmplain2.log" remaster-plain-new-image-booted \
    remaster-plain-old-kept remaster-plain-conf-says-remastered
}
