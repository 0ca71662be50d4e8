#!/bin/sh
# /sbin/init of the "tools" test root (qemu/media.d/tools.sh): runs the live-system tool step named after "--" on
# the kernel command line, prints TOOLS-OK/TOOLS-FAIL markers the boot scenarios check, then powers off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
step=${1:-none}; shift 2>/dev/null
read up rest < /proc/uptime
echo "LIVEINIT-ROOT-REACHED uptime=$up"
echo "TOOLS-STEP $step"
ok() { echo "TOOLS-OK $*"; }
fail() { echo "TOOLS-FAIL $*"; }
check() {  # name command...: TOOLS-OK name when the command succeeds
  local name=$1; shift
  if "$@"; then ok "$name"; else fail "$name"; fi
}
same() { [ "$(cat "$1" 2>/dev/null)" = "$2" ]; }
first4() { dd if="$1" bs=4 count=1 2>/dev/null | od -An -tx1 | tr -d ' \n'; }
boot_rw() { mount -o remount,rw "$1" || fail "remount $1 rw"; }
network() {
  for m in failover net_failover virtio_net; do insmod /lib/modules/tools/$m.ko 2>/dev/null; done
  ip link set lo up; ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2
}
LI=/usr/bin/liveinit
if [ "$step" = ov-exhaust ] && [ -z "$TOOLS_IN_RAM" ]; then
  # the root is about to break (its COW runs out): run this step from copies in /run
  mkdir -p /run/bin && cp /bin/busybox /run/bin/busybox && /run/bin/busybox --install -s /run/bin
  cp /usr/bin/liveinit /run/bin/liveinit && cp "$0" /run/init.sh
  TOOLS_IN_RAM=1 exec /run/bin/busybox sh /run/init.sh "$step" "$@"
fi
[ -n "$TOOLS_IN_RAM" ] && { export PATH=/run/bin; LI=/run/bin/liveinit; }

case $step in
  pack)   # make the three kinds of change, pack them into an SRM on the boot medium
    echo new > /etc/tools-new; echo changed > /etc/tools-changed; rm /etc/tools-deleted
    rm -r /etc/tools-dir; mkdir /etc/tools-dir; echo c > /etc/tools-dir/c
    boot_rw /run/archiso/bootmnt
    check srm-pack $LI srm pack -c gzip /run/archiso/bootmnt/sysresccd/changes.srm
    check srm-pack-staging-removed test ! -e /run/liveinit/srm_content
    ls -l /run/archiso/bootmnt/sysresccd/
    ;;
  check-pack)   # booted with loadsrm: the SRM replays the changes
    check srm-new-file same /etc/tools-new new
    check srm-changed-file same /etc/tools-changed changed
    check srm-deleted-file test ! -e /etc/tools-deleted
    check srm-opaque-dir test "$(ls /etc/tools-dir | tr '\n' ' ')" = "c "
    ;;
  load)   # late loading: from a path on the medium, over http, from the YAML config; $1 = http port
    port=$1
    check srm-load-path $LI srm load /run/archiso/bootmnt/extra/load.srm
    check srm-load-path-file same /etc/tools-loaded "loaded from a path"
    check srm-load-path-deletion test ! -e /etc/tools-deleted
    upper=$(sed -n 's/.*upperdir=\([^,]*\).*/\1/p' /proc/self/mountinfo | head -1)
    check srm-load-lands-in-cow test -f "$upper/etc/tools-loaded"
    network || fail network
    check srm-load-http $LI srm load -v http://10.0.2.2:$port/http.srm
    check srm-load-http-file same /etc/tools-http "loaded over http"
    check srm-load-http-404 sh -c "! $LI srm load http://10.0.2.2:$port/missing.srm"
    boot_rw /run/archiso/bootmnt
    mkdir -p /run/archiso/bootmnt/sysrescue.d
    printf -- '---\nglobal:\n    late_load_srm: ""\n' > /run/archiso/bootmnt/sysrescue.d/100-defaults.yaml
    printf -- '---\nglobal:\n    late_load_srm: "http://10.0.2.2:%s/config.srm"\n' "$port" > /run/archiso/bootmnt/sysrescue.d/500-late.yaml
    check srm-load-from-config $LI srm load --from-config
    check srm-load-from-config-file same /etc/tools-config "loaded by late_load_srm"
    mkdir -p /tmp/unitroot
    check srm-install-unit $LI srm install-unit --root /tmp/unitroot --exec /usr/bin/liveinit
    check srm-install-unit-enabled test -L /tmp/unitroot/etc/systemd/system/multi-user.target.wants/liveinit-late-load-srm.service
    grep ExecStart /tmp/unitroot/etc/systemd/system/liveinit-late-load-srm.service
    ;;
  bs-create)   # booted with backstore=off: make a store on the second disk
    mkdir -p /mnt/bs && mount /dev/vdb /mnt/bs || fail "mount /dev/vdb"
    check backstore-create $LI backstore create /mnt/bs/sysrcd.bs 32
    check backstore-create-refuses-existing sh -c "! $LI backstore create /mnt/bs/sysrcd.bs 32"
    umount /mnt/bs
    ;;
  bs-use)   # booted with backstore=alldev: the store is the writable layer; put data in it
    check backstore-in-use grep -q ' /livemnt/memory ' /proc/self/mountinfo
    echo "kept in the store" > /root/bs-data; sync
    check backstore-data-in-store test -f /livemnt/memory/upperdir/root/bs-data
    df -m /livemnt/memory
    ;;
  bs-grow)   # booted with backstore=off: grow the store offline, refuse to shrink it
    mkdir -p /mnt/bs && mount /dev/vdb /mnt/bs || fail "mount /dev/vdb"
    check backstore-grow-offline $LI backstore grow /mnt/bs/sysrcd.bs 64
    check backstore-refuses-shrink sh -c "! $LI backstore grow /mnt/bs/sysrcd.bs 16"
    check backstore-size-after-grow test "$(stat -c %s /mnt/bs/sysrcd.bs)" = $((64 * 1024 * 1024))
    umount /mnt/bs
    ;;
  bs-check)   # backstore=alldev again: the data survived, the filesystem is larger; then grow it online
    check backstore-data-intact same /root/bs-data "kept in the store"
    mb=$(df -m /livemnt/memory | awk 'NR==2 {print $2}'); echo "store filesystem: $mb MiB"
    check backstore-larger test "$mb" -ge 50
    file=$(find /run/liveinit/store -maxdepth 2 -name sysrcd.bs | head -1); echo "store file: $file"
    check backstore-grow-online $LI backstore grow "$file" 96
    mb=$(df -m /livemnt/memory | awk 'NR==2 {print $2}'); echo "store filesystem now: $mb MiB"
    check backstore-larger-online test "$mb" -ge 80
    check backstore-data-intact-online same /root/bs-data "kept in the store"
    ;;
  ov-create)   # LiveOS booted with the COW in RAM: make a persistent overlay and home.img on the medium
    $LI overlay status
    check overlay-status-ram sh -c "$LI overlay status | grep -q 'in RAM'"
    check overlay-create $LI overlay create /dev/vda --size-mb 24 --home-size-mb 8
    check overlay-create-refuses-existing sh -c "! $LI overlay create /dev/vda --size-mb 24"
    ls -l /run/initramfs/live/LiveOS
    ;;
  ov-fill)   # booted on the persistent overlay: data in it, then grow it online
    check overlay-persistent sh -c "$LI overlay status | grep -q 'persistent'"
    echo "written before the overlay filled up" > /root/merge-data; echo home > /home/h; sync
    $LI overlay status
    check overlay-resize-online $LI overlay resize --size-mb 32
    $LI overlay status
    check overlay-status-after-resize sh -c "$LI overlay status | grep -q 'of 32.0 MiB used'"
    ;;
  ov-exhaust)   # fill the overlay until device-mapper marks it Invalid
    dd if=/dev/urandom of=/root/big bs=1M count=48 2>/dev/null; sync
    $LI overlay status; rc=$?
    check overlay-status-invalid test "$rc" = 3
    ;;
  ov-recover)   # the boot fell back to RAM; recover the overlay
    $LI overlay status
    check overlay-recover $LI overlay recover --add-mb 16
    check overlay-recover-grown test "$(stat -c %s /run/initramfs/live/LiveOS/overlay-TOOLSLIVE-*)" = $((48 * 1024 * 1024))
    ;;
  ov-after-recover)   # the recovered overlay is used again, with the data written before it filled
    check overlay-used-after-recover sh -c "$LI overlay status | grep -q persistent"
    check overlay-data-after-recover same /root/merge-data "written before the overlay filled up"
    rm -f /root/big; sync
    $LI overlay status
    ;;
  ov-merge)   # COW in RAM again: fold the overlay into a new squashfs.img
    for m in dm-log dm-region-hash dm-mirror; do insmod /lib/modules/tools/$m.ko 2>/dev/null; done
    mkdir -p /run/merge
    check overlay-merge $LI overlay merge --work /run/merge -c gzip
    ls -l /run/initramfs/live/LiveOS
    check overlay-merge-reset test "$(first4 /run/initramfs/live/LiveOS/overlay-TOOLSLIVE-*)" = 00000000
    ;;
  ov-after-merge)   # the merged image with an empty overlay
    check overlay-merged-data same /root/merge-data "written before the overlay filled up"
    $LI overlay status
    check overlay-empty-after-merge sh -c "$LI overlay status | grep -q ' used (0\.'"
    check overlay-home-kept same /home/h home
    ;;
  rm-prepare)   # antiX: persistence files next to linuxfs
    check persist-create-rootfs $LI persist create rootfs 24
    check persist-create-homefs $LI persist create homefs 8
    check persist-refuses-existing sh -c "! $LI persist create homefs 8"
    ;;
  rm-create)   # booted with persist_root persist_home: change the system, remaster it
    check remaster-root-persistence grep -q ' /live/persist-root ' /proc/self/mountinfo
    echo remastered > /etc/remaster-mark; echo home > /home/hx; sync
    $LI remaster estimate | tee /run/estimate.txt
    est=$(sed -n 's/^estimated linuxfs.new: \([0-9]*\) MiB.*/\1/p' /run/estimate.txt)
    check remaster-create $LI remaster create -c gzip
    cd /live/boot-dev/antiX && ls -l
    check remaster-md5sum md5sum -c linuxfs.new.md5
    check remaster-rootfs-new test -f rootfs.new
    actual=$(( ($(stat -c %s linuxfs.new) + 1048575) / 1048576 )); cd /
    echo "REMASTER-SIZES estimate=${est}MiB actual=${actual}MiB"
    check remaster-estimate-covers-result test "$actual" -le "$est"
    ;;
  rm-check)   # the boot swapped linuxfs.new and rootfs.new in
    check remaster-new-image-booted same /etc/remaster-mark remastered
    check remaster-fresh-root-layer test ! -e /live/persist-root/upperdir/etc/remaster-mark
    check remaster-old-kept test -f /live/boot-dev/antiX/linuxfs.old
    check remaster-home-kept same /home/hx home
    check remaster-refused-while-old-exists sh -c "! $LI remaster create -c gzip"
    ;;
  rm-create-plain)   # booted without persistence: remaster the changes in RAM (tests/boot/scenarios.d/layout.sh)
    echo plain > /etc/remaster-plain; sync
    check remaster-plain-conf grep -q "^BOOT_MP='/live/boot-dev'" /live-config/remaster.conf
    check remaster-plain-create $LI remaster create -c gzip
    cd /live/boot-dev/antiX && ls -l
    check remaster-plain-md5sum md5sum -c linuxfs.new.md5
    check remaster-plain-no-rootfs-new test ! -e rootfs.new; cd /
    ;;
  rm-check-plain)   # the boot swapped linuxfs.new in and says so in remaster.conf
    check remaster-plain-new-image-booted same /etc/remaster-plain plain
    check remaster-plain-old-kept test -f /live/boot-dev/antiX/linuxfs.old
    check remaster-plain-conf-says-remastered grep -q "^REMASTERED='true'" /live-config/remaster.conf
    ;;
  *) echo "TOOLS-FAIL unknown step '$step'" ;;
esac
sync
echo "LIVEINIT-ROOT-DONE"
poweroff -f
