#!/bin/sh
# /sbin/init of the tiny test root: prints markers the boot tests check, then powers off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
read up rest < /proc/uptime
echo "LIVEINIT-ROOT-REACHED uptime=$up"
echo "ROOTFS-TYPE=$(awk '$2=="/" {t=$3} END {print t}' /proc/mounts)"
echo "ROOT-DEVICE=$(awk '$2=="/" {t=$1} END {print t}' /proc/mounts)"
# where the overlay root keeps its changes, and what holds archiso's cowspace (a tmpfs, or the persistence device)
ovup=$(awk '$2=="/" && $3=="overlay" {o=$4} END {print o}' /proc/mounts | tr ',' '\n' | sed -n 's/^upperdir=//p')
[ -n "$ovup" ] && echo "OVERLAY-UPPER=$ovup"
cs=$(awk '$2=="/run/archiso/cowspace" {t=$1 " " $3} END {print t}' /proc/mounts); [ -n "$cs" ] && echo "COWSPACE=$cs"
[ -e /etc/liveinit-srm-marker ] && echo "SRM-PRESENT $(cat /etc/liveinit-srm-marker)"
[ -e /etc/liveinit-variant ] && echo "VARIANT=$(cat /etc/liveinit-variant)"
home=$(awk '$2=="/home" {print $1 " " $3}' /proc/mounts); [ -n "$home" ] && echo "HOME-MOUNT=$home"
[ -d /live/boot-dev/antiX ] && echo "ANTIX-FILES $(ls /live/boot-dev/antiX | tr '\n' ' ')"
[ -f /run/liveinit/remaster.conf ] && echo "REMASTER-STATE $(grep -E '^(REMASTERED|ROLLED_BACK)=' /run/liveinit/remaster.conf)"
if [ -f /home/liveinit-home-boots ]; then echo "HOME-PERSIST-FOUND $(cat /home/liveinit-home-boots)"; fi
[ -n "$home" ] && { h=$(cat /home/liveinit-home-boots 2>/dev/null || echo 0); echo $((h+1)) > /home/liveinit-home-boots; }
for m in /run/archiso/bootmnt /run/archiso/cowspace /run/initramfs/live /live/boot-dev /livemnt/boot /livemnt/memory; do
  awk -v m="$m" '$2==m {f=1} END {exit !f}' /proc/mounts && echo "MOUNT-VISIBLE $m"
done
[ -e /init ] && echo "INITRAMFS-LEFTOVER"
[ -b /dev/nbd0 ] && echo "NBD0-MOUNTS $(awk '$1=="/dev/nbd0" {printf "%s(%s) ", $2, $3}' /proc/mounts)"
# network boots: the lease LiveInit wrote, and the addresses still configured (the hand-over)
[ -f /run/liveinit/net/lease.env ] && (. /run/liveinit/net/lease.env
  echo "NET-LEASE $INTERFACE $IPADDR/$PREFIX gw=$GATEWAY dns=$DNS method=$METHOD")
[ -f /run/liveinit/net/lease.env ] && ip -4 -o addr show 2>/dev/null | awk '$2!="lo" {print "NET-ADDR " $2 " " $4}'
if [ -f /var/lib/liveinit-boots ]; then
  n=$(cat /var/lib/liveinit-boots); echo "PERSIST-FOUND previous_boots=$n"
else
  n=0; echo "PERSIST-NONE"
fi
mkdir -p /var/lib && echo $((n+1)) > /var/lib/liveinit-boots
# dracut-ng's TEST-21 checks of an encrypted overlay (rd.overlay.crypt): what holds /run/overlayfs-backing, the dm
# devices (name, uuid), the saved passphrase (printed: this is a throw-away test root), mounts listed twice
if [ -e /run/initramfs/overlayfs.passwd ] || awk '$2=="/run/overlayfs-backing" {f=1} END {exit !f}' /proc/mounts; then
  echo "CRYPT-BACKING $(awk '$2=="/run/overlayfs-backing" {print $1 " " $3}' /proc/mounts)"
  for d in /sys/class/block/dm-*; do [ -e "$d/dm/name" ] && echo "DM-DEVICE $(cat "$d/dm/name") $(cat "$d/dm/uuid")"; done
  [ -f /run/initramfs/overlayfs.passwd ] && echo "OVERLAY-PASSWD $(stat -c %a /run/initramfs/overlayfs.passwd)" \
    "$(cat /run/initramfs/overlayfs.passwd)"
  echo "MOUNTED-TWICE [$(cut -d' ' -f2 /proc/mounts | sort | uniq -d | tr '\n' ' ')]"
  echo > /test-overlay-write && echo "ROOT-WRITABLE"
fi
[ -n "$LIVEINIT_TEST_ARGS" ] && echo "INIT-ARGS $LIVEINIT_TEST_ARGS"
echo "INIT-ARGV $*"
sync; sync
echo "LIVEINIT-ROOT-DONE"
poweroff -f
