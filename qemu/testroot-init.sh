#!/bin/sh
# /sbin/init of the tiny test root: prints markers the boot tests check, then powers off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
read up rest < /proc/uptime
echo "LIVEINIT-ROOT-REACHED uptime=$up"
echo "ROOTFS-TYPE=$(awk '$2=="/" {t=$3} END {print t}' /proc/mounts)"
echo "ROOT-DEVICE=$(awk '$2=="/" {t=$1} END {print t}' /proc/mounts)"
[ -e /etc/liveinit-srm-marker ] && echo "SRM-PRESENT $(cat /etc/liveinit-srm-marker)"
for m in /run/archiso/bootmnt /run/archiso/cowspace /run/initramfs/live /live/boot-dev; do
  awk -v m="$m" '$2==m {f=1} END {exit !f}' /proc/mounts && echo "MOUNT-VISIBLE $m"
done
[ -e /init ] && echo "INITRAMFS-LEFTOVER"
if [ -f /var/lib/liveinit-boots ]; then
  n=$(cat /var/lib/liveinit-boots); echo "PERSIST-FOUND previous_boots=$n"
else
  n=0; echo "PERSIST-NONE"
fi
mkdir -p /var/lib && echo $((n+1)) > /var/lib/liveinit-boots
[ -n "$LIVEINIT_TEST_ARGS" ] && echo "INIT-ARGS $LIVEINIT_TEST_ARGS"
echo "INIT-ARGV $*"
sync; sync
echo "LIVEINIT-ROOT-DONE"
poweroff -f
