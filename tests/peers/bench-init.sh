#!/bin/sh
# /sbin/init of the benchmark's live root (every peer boots the same one). Markers read by tests/bench/boot.sh:
#   LIVE-ROOT-REACHED uptime=S      the first thing this init does: kernel + initramfs time
#   LIVE-ROOT-FS kind=overlay|dm    how / was assembled (and LIVE-DM, LIVE-MOUNT lines for the record)
#   PERSIST-NONE | PERSIST-FOUND previous_boots=N    a line is appended to /var/lib/bench-persist.txt per boot
#   LIVE-ROOT-DONE uptime=S         after three syncs; then an immediate power-off through sysrq
PATH=/usr/sbin:/usr/bin:/sbin:/bin
[ -r /proc/uptime ] || mount -t proc proc /proc
read -r up _ </proc/uptime
[ -c /dev/console ] || mount -t devtmpfs dev /dev
exec >/dev/console 2>&1
echo "LIVE-ROOT-REACHED uptime=$up"

# the last mount on / is the one in effect
set -- $(grep '^[^ ]* / ' /proc/mounts | tail -n 1)
dev=$1 type=$3 opts=$4
case $type in
  overlay) kind=overlay ;;
  *) case $dev in /dev/mapper/* | /dev/dm-*) kind=dm ;; *) kind=$type ;; esac ;;
esac
echo "LIVE-ROOT-FS kind=$kind dev=$dev type=$type opts=$opts"
for d in /sys/block/dm-*; do
  [ -r "$d/dm/name" ] && echo "LIVE-DM ${d##*/}=$(cat "$d/dm/name")"
done
virtual='proc|sysfs|devtmpfs|devpts|securityfs|cgroup2?|pstore|bpf|debugfs|tracefs|mqueue|hugetlbfs|configfs|fusectl'
grep -vE "^($virtual) " /proc/mounts | sed 's/^/LIVE-MOUNT /'

# what the initramfs left running (user processes: kernel threads have an empty cmdline), and the load
procs=""
for p in /proc/[0-9]*; do
  pid=${p#/proc/}
  [ "$pid" = $$ ] && continue
  cmd=""; read -r cmd <"$p/cmdline" 2>/dev/null
  [ -n "$cmd" ] && read -r comm <"$p/comm" && procs="$procs $pid:$comm"
done
echo "LIVE-PROCS$procs"
read -r load </proc/loadavg
echo "LIVE-LOADAVG $load"

log=/var/lib/bench-persist.txt
if [ -f $log ]; then echo "PERSIST-FOUND previous_boots=$(wc -l <$log)"; else echo "PERSIST-NONE"; fi
echo "boot $(cat /proc/sys/kernel/random/boot_id) uptime=$up" >>$log
sync; sync; sync
read -r up _ </proc/uptime
echo "LIVE-ROOT-DONE uptime=$up"
echo o >/proc/sysrq-trigger
sleep 10
