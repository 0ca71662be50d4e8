#!/bin/sh
# /sbin/init of the "layout" test root (qemu/media.d/layout.sh): prints LAYOUT-* markers about the layout
# contracts (remaster.conf, /mnt/memory, /run/initramfs/livedev, a medium let go after copytoram), then runs
# the standard test root's init (/sbin/init-test), which prints the usual markers and powers off.
# With "-- tls PORT_GOOD PORT_SELF" it runs the https srm load checks first.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mounted() { awk -v m="$1" '$2==m {f=1} END {exit !f}' /proc/mounts; }   # (BusyBox has no mountpoint here)
conf=/live-config/remaster.conf
if [ -f $conf ]; then
  echo "LAYOUT-REMASTER-CONF-FS $(awk '$2=="/live-config" {print $3}' /proc/mounts)"
  sed 's/^/LAYOUT-REMASTER-CONF /' $conf
  # sourced as the seed's script does: a hostile label must come out literally and run nothing
  ( . $conf
    [ "$BOOT_LABEL" = "q'\$(touch /x)" ] && echo "LAYOUT-CONF-LABEL-LITERAL"
    [ ! -e /x ] && echo "LAYOUT-CONF-RAN-NOTHING"
    mounted "$BOOT_MP" && [ -f "$SQFILE_FULL" ] && echo "LAYOUT-CONF-IMAGE-FOUND $SQFILE_FULL"
    grep -q "^$BOOT_DEV $BOOT_MP " /proc/mounts && echo "LAYOUT-CONF-BOOT-DEV-MOUNTED"
    [ "$AUFS_MP" = / ] && [ -d "$AUFS_RAM_MP" ] && echo "LAYOUT-CONF-AUFS-OK $AUFS_RAM_MP" )
else
  echo "LAYOUT-NO-REMASTER-CONF"
fi
if mounted /mnt/memory; then
  echo "LAYOUT-MNT-MEMORY $(awk '$2=="/mnt/memory" {print $1 " " $3}' /proc/mounts)"
  [ -d /mnt/memory/upperdir ] && echo "LAYOUT-MNT-MEMORY-HOLDS-UPPER"
fi
if [ -L /run/initramfs/livedev ]; then
  t=$(readlink /run/initramfs/livedev); echo "LAYOUT-LIVEDEV $t"
  [ -b /run/initramfs/livedev ] && echo "LAYOUT-LIVEDEV-IS-BLOCK"
fi
# is anything on the virtio disk still mounted or backing a loop device?
held=$(awk '$1 ~ /^\/dev\/vd/ {print $1 "@" $2}' /proc/mounts | tr '\n' ' ')
loops=$(cat /sys/block/loop*/loop/backing_file 2>/dev/null | tr '\n' ' ')
echo "LAYOUT-LOOP-BACKING $loops"
if [ -z "$held" ]; then echo "LAYOUT-MEDIUM-FREE"; else echo "LAYOUT-MEDIUM-HELD $held"; fi
if [ "$1" = tls ]; then
  good=$2; self=$3
  for m in failover net_failover virtio_net; do insmod /lib/modules/layout/$m.ko 2>/dev/null; done
  ip link set lo up; ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2
  if liveinit srm load -v https://10.0.2.2:$good/tls.srm; then echo "LAYOUT-TLS-GOOD-LOADED"; fi
  [ "$(cat /etc/layout-tls 2>/dev/null)" = "loaded over https" ] && echo "LAYOUT-TLS-GOOD-CONTENT"
  out=$(liveinit srm load https://10.0.2.2:$self/self.srm 2>&1); rc=$?
  echo "$out" | sed 's/^/LAYOUT-TLS-SELF-OUT /'
  [ $rc -ne 0 ] && [ ! -e /etc/layout-self ] && echo "LAYOUT-TLS-SELF-REFUSED"
  echo "$out" | grep -qi "certificate" && echo "LAYOUT-TLS-SELF-SAYS-CERTIFICATE"
  if liveinit srm load -i https://10.0.2.2:$self/self.srm; then echo "LAYOUT-TLS-SELF-INSECURE-LOADED"; fi
  [ "$(cat /etc/layout-self 2>/dev/null)" = "self-signed" ] && echo "LAYOUT-TLS-SELF-INSECURE-CONTENT"
  shift 3
  # srm pack --pacman against the pacman database of this root: nano "installed" since boot (in the upper
  # layer), bash in the image; only nano's files, its database entry and its unit link are packed
  db=/var/lib/pacman/local/nano-8.2-1
  mkdir -p $db /usr/lib/systemd/system /etc/systemd/system/multi-user.target.wants
  printf '%%NAME%%\nnano\n\n%%VERSION%%\n8.2-1\n' > $db/desc
  printf '%%FILES%%\nusr/\nusr/bin/\nusr/bin/nano\nusr/lib/systemd/system/nano.service\n' > $db/files
  echo ELF > /usr/bin/nano; echo '[Unit]' > /usr/lib/systemd/system/nano.service; echo x > /etc/unrelated.conf
  ln -s /usr/lib/systemd/system/nano.service /etc/systemd/system/multi-user.target.wants/nano.service
  if liveinit srm pack --pacman -s prepare --staging /run/pac /run/pac.srm; then echo "LAYOUT-PACMAN-PREPARED"; fi
  find /run/pac | sed 's/^/LAYOUT-PACMAN-STAGED /'
  [ "$(cat /run/pac/usr/bin/nano 2>/dev/null)" = ELF ] && [ -f /run/pac$db/desc ] && [ -f /run/pac$db/files ] \
    && [ -L /run/pac/etc/systemd/system/multi-user.target.wants/nano.service ] && echo "LAYOUT-PACMAN-PACKAGE-PACKED"
  [ ! -e /run/pac/etc/unrelated.conf ] && [ ! -e /run/pac/var/lib/pacman/local/bash-5.2-1 ] \
    && [ -d /var/lib/pacman/local/bash-5.2-1 ] && echo "LAYOUT-PACMAN-OTHERS-LEFT-OUT"
fi
exec /sbin/init-test "$@"
