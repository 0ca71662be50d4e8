#!/usr/bin/env bash
# Boot benchmark (not a test): LiveInit against dracut 059 (dmsquash-live), live-boot, a busybox shell hook and
# the C floor (floor-init.c), on the same kernel and the SAME media files the peers boot (tests/peers/bench.sh
# builds them from Debian packages and caches them under .cache/peers), round-robin, with the medians and the
# ratios printed in the same run.
#   ./build.sh bench boot          (env N = boots per variant, default 3)
# The peers are built on first use (a few minutes: debootstrap chroots with dracut and live-boot, a 400 MiB root).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-3} TMO=${TMO:-240} MEM=${MEM:-512}
W=$ROOT/artifacts/bench-boot; mkdir -p "$W/logs"

echo "peers: tests/peers/bench.sh (cached; the first build takes minutes, see $W/peers-build.log)"
peers=$(bash "$ROOT/tests/peers/bench.sh" 2>"$W/peers-build.log") \
  || { echo "peer build failed, see $W/peers-build.log"; exit 1; }
KVER=$(sed -n 's/^KVER=//p' <<<"$peers"); VMLINUZ=$(sed -n 's/^VMLINUZ=//p' <<<"$peers")
TREE=$(sed -n 's/^TREE=//p' <<<"$peers"); PEERS=$(sed -n 's/^DIR=//p' <<<"$peers")
"$ROOT/artifacts/liveinit" mkinitramfs --modules-root "$TREE/lib/modules/$KVER" --output "$W/initrd-liveinit.img"

# id | initrd | disk (relative to $PEERS) | kernel command line after "console=ttyS0 panic=-1"
# LiveInit boots the peers' own media with the peers' own parameters (dracut dialect); the live-boot and
# busybox medium (/live/filesystem.squashfs) is booted through the dracut dialect's rd.live.dir/squashimg.
LI=$W/initrd-liveinit.img
VARIANTS="
A1|$PEERS/A/initrd-dracut.img|A/disk-direct.img|root=live:LABEL=LIVE rd.live.image rd.live.overlay.overlayfs
L1|$LI|A/disk-direct.img|root=live:LABEL=LIVE rd.live.image rd.live.overlay.overlayfs
A1r|$PEERS/A/initrd-dracut.img|A/disk-rootfsimg.img|root=live:LABEL=LIVE rd.live.image
L1r|$LI|A/disk-rootfsimg.img|root=live:LABEL=LIVE rd.live.image
A2|$PEERS/A/initrd-dracut.img|A/disk-dmpersist.img|root=live:LABEL=LIVE rd.live.image rd.live.overlay=LABEL=LIVE rw
L2|$LI|A/disk-dmpersist.img|root=live:LABEL=LIVE rd.live.image rd.live.overlay=LABEL=LIVE rw
A3|$PEERS/A/initrd-dracut.img|A/disk-ovlpersist.img|root=live:LABEL=LIVE rd.live.image rd.live.overlay=LABEL=LIVE rd.live.overlay.overlayfs rw
L3|$LI|A/disk-ovlpersist.img|root=live:LABEL=LIVE rd.live.image rd.live.overlay=LABEL=LIVE rd.live.overlay.overlayfs rw
B1|$PEERS/B/initrd-liveboot.img|B/disk-live.img|boot=live
C1|$PEERS/C/initrd-busybox.img|B/disk-live.img|
F1|$PEERS/F/initrd-floor.img|B/disk-live.img|
LB|$LI|B/disk-live.img|root=live:LABEL=LIVE rd.live.dir=live rd.live.squashimg=filesystem.squashfs rd.live.overlay.overlayfs
"
CSV=$W/results.csv
echo "variant,run,wall_s,uptime_s,root_kind,persistence,initrd_bytes" >"$CSV"
declare -A disk
while IFS='|' read -r id initrd d args; do
  [ -n "$id" ] || continue
  disk[$id]=$W/$id.img; cp --sparse=always "$PEERS/$d" "${disk[$id]}"
done <<<"$VARIANTS"
for r in $(seq 1 "$N"); do
  while IFS='|' read -r id initrd d args; do
    [ -n "$id" ] || continue
    log=$W/logs/$id-$r.log
    t0=$(date +%s.%N)
    timeout "$TMO" qemu-system-x86_64 -m "$MEM" -nographic -no-reboot -kernel "$VMLINUZ" -initrd "$initrd" \
      -append "console=ttyS0 panic=-1${args:+ $args}" -drive file="${disk[$id]}",format=raw,if=virtio,cache=unsafe </dev/null >"$log" 2>&1
    t1=$(date +%s.%N)
    g() { tr -d '\r' <"$log" | grep -a -o "$1" | head -n1; }
    up=$(g 'LIVE-ROOT-REACHED uptime=[0-9.]*' | cut -d= -f2)
    kind=$(g 'LIVE-ROOT-FS kind=[^ ]*' | cut -d= -f2)
    pers=$(g 'PERSIST-[A-Z]*\( previous_boots=[0-9]*\)\?' | sed 's/PERSIST-//; s/ previous_boots=/:/')
    row="$id,$r,$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}'),${up:-FAIL},${kind:-?},${pers:-?},$(stat -c %s "$initrd")"
    echo "$row" | tee -a "$CSV"
  done <<<"$VARIANTS"
done
python3 - "$CSV" <<'PY'
import csv, sys, statistics as st
rows = list(csv.DictReader(open(sys.argv[1])))
by = {}
for r in rows:
    by.setdefault(r["variant"], []).append(r)
def med(v, k):
    xs = [float(x[k]) for x in v if x["uptime_s"] != "FAIL"]
    return st.median(xs) if xs else float("nan")
print("\n| variant | boots ok | guest uptime at root init (median) s | wall (median) s | root | persistence | initrd MiB |")
print("|---|---|---|---|---|---|---|")
for k, v in by.items():
    ok = sum(1 for x in v if x["uptime_s"] != "FAIL")
    print(f"| {k} | {ok}/{len(v)} | {med(v,'uptime_s'):.2f} | {med(v,'wall_s'):.2f} | {v[0]['root_kind']} | {','.join(x['persistence'] for x in v)} | {int(v[0]['initrd_bytes'])/1048576:.1f} |")
print("\nratios (peer median / LiveInit median, guest uptime when the root's init runs):")
for peer, ours, what in [("A1","L1","dracut, flat squashfs + overlayfs"), ("A1r","L1r","dracut, rootfs.img dm-snapshot in RAM"),
                         ("A2","L2","dracut, persistent dm-snapshot COW file"), ("A3","L3","dracut, persistent overlayfs directory"),
                         ("B1","LB","live-boot, /live/filesystem.squashfs"),
                         ("C1","LB","busybox shell hook, same medium"),
                         ("F1","LB","floor-init.c (the fewest syscalls), same medium")]:
    if peer in by and ours in by:
        print(f"  {peer}/{ours}: {med(by[peer],'uptime_s')/med(by[ours],'uptime_s'):.2f}x  ({what})")
PY
