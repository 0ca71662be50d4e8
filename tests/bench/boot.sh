#!/usr/bin/env bash
# Boot benchmark (not a test): LiveInit against dracut 059 (dmsquash-live), live-boot, a busybox shell hook and
# the C floor (floor-init.c), on the same kernel and the SAME media files the peers boot (tests/peers/bench.sh
# builds them from Debian packages and caches them under .cache/peers), round-robin, with the medians and the
# ratios printed in the same run.
#   ./build.sh bench boot          (env N = boots per variant, default 3; ONLY = a regex of variant ids)
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
"$ROOT/artifacts/liveinit" mkinitramfs --modules-root "$TREE/lib/modules/$KVER" --output "$W/initrd-liveinit.img" \
  ${MKINITRAMFS_ARGS:-}
# the generic kernel (the one the boot tests use): the floor and the busybox hook built for it, LiveInit's
# default image (every storage bus) for it, all on the same medium B as the cloud kernel's
GEN_KERNEL=${GEN_KERNEL:-linux-image-6.1.0-56-amd64}
gen=$(PEER_KERNEL=$GEN_KERNEL bash "$ROOT/tests/peers/kernel.sh" 2>>"$W/peers-build.log") \
  || { echo "generic kernel $GEN_KERNEL: see $W/peers-build.log"; exit 1; }
GKVER=$(sed -n 's/^KVER=//p' <<<"$gen"); GVMLINUZ=$(sed -n 's/^VMLINUZ=//p' <<<"$gen"); GTREE=$(sed -n 's/^TREE=//p' <<<"$gen")
bash "$ROOT/tests/peers/floor-peers.sh" "$GTREE" "$GKVER" "$W/generic" >/dev/null 2>>"$W/peers-build.log" \
  || { echo "floor peers for $GKVER: see $W/peers-build.log"; exit 1; }
"$ROOT/artifacts/liveinit" mkinitramfs --modules-root "$GTREE/lib/modules/$GKVER" --output "$W/initrd-liveinit-generic.img" \
  ${MKINITRAMFS_ARGS:-}

# id | initrd | disk (relative to $PEERS) | kernel command line after "console=ttyS0 panic=-1" | kernel (generic,
# else the cloud kernel the peers are built for)
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
GC|$W/generic/C/initrd-busybox.img|B/disk-live.img||generic
GF|$W/generic/F/initrd-floor.img|B/disk-live.img||generic
GL|$W/initrd-liveinit-generic.img|B/disk-live.img|root=live:LABEL=LIVE rd.live.dir=live rd.live.squashimg=filesystem.squashfs rd.live.overlay.overlayfs|generic
"
CSV=$W/results.csv
echo "variant,run,wall_s,uptime_s,root_kind,persistence,initrd_bytes" >"$CSV"
declare -A disk
# ONLY=REGEX keeps the variants whose id matches (e.g. ONLY='^G' for the generic kernel's three)
VARIANTS=$(grep -E "^(${ONLY:-.})" <<<"$VARIANTS" || true)
while IFS='|' read -r id initrd d args kern; do
  [ -n "$id" ] || continue
  disk[$id]=$W/$id.img; cp --sparse=always "$PEERS/$d" "${disk[$id]}"
done <<<"$VARIANTS"
for r in $(seq 1 "$N"); do
  while IFS='|' read -r id initrd d args kern; do
    [ -n "$id" ] || continue
    log=$W/logs/$id-$r.log
    # no_timer_check on the generic kernel: under a loaded host TCG can miss its IO-APIC timer test and it panics
    # (as qemu/boot.sh does for the tests); the cloud kernel's lines stay as the README's earlier runs had them
    k=$VMLINUZ quirk=; [ "$kern" = generic ] && k=$GVMLINUZ quirk=" no_timer_check"
    t0=$(date +%s.%N)
    timeout "$TMO" qemu-system-x86_64 -m "$MEM" -nographic -no-reboot -kernel "$k" -initrd "$initrd" \
      -append "console=ttyS0 panic=-1$quirk${args:+ $args}" -drive file="${disk[$id]}",format=raw,if=virtio,cache=unsafe </dev/null >"$log" 2>&1
    t1=$(date +%s.%N)
    g() { tr -d '\r' <"$log" | grep -a -o "$1" | head -n1; }
    up=$(g 'LIVE-ROOT-REACHED uptime=[0-9.]*' | cut -d= -f2)
    kind=$(g 'LIVE-ROOT-FS kind=[^ ]*' | cut -d= -f2)
    pers=$(g 'PERSIST-[A-Z]*\( previous_boots=[0-9]*\)\?' | sed 's/PERSIST-//; s/ previous_boots=/:/')
    row="$id,$r,$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}'),${up:-FAIL},${kind:-?},${pers:-?},$(stat -c %s "$initrd")"
    echo "$row" | tee -a "$CSV"
  done <<<"$VARIANTS"
done
# probe start-up: one process per image, as a shell hook calls blkid (best of 5 rounds over 8 images)
P=$W/probe; rm -rf "$P"; mkdir -p "$P"
for i in 1 2 3 4 5 6 7 8; do truncate -s 8M "$P/e$i.img"; mkfs.ext4 -q -F -L "P$i" "$P/e$i.img"; done
per() { local b=999999999 t s f; for _ in 1 2 3 4 5; do s=$(date +%s%N)
  for f in "$P"/*.img; do "$@" "$f" >/dev/null 2>&1; done; t=$(( ($(date +%s%N) - s) / 1000 )); [ "$t" -lt "$b" ] && b=$t; done; echo "$b"; }
PROBE_LI=$(per "$ROOT/artifacts/liveinit" probe); PROBE_BL=$(per blkid -p)
python3 - "$CSV" "$(stat -c %s "$ROOT/artifacts/liveinit")" "$(stat -c %s "$W/initrd-liveinit-generic.img")" \
  "$PROBE_LI" "$PROBE_BL" <<'PY'
import csv, sys, statistics as st
rows = list(csv.DictReader(open(sys.argv[1])))
agent, image, probe_li, probe_bl = (int(x) for x in sys.argv[2:6])
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
print("\nLiveInit against the floor (LiveInit median / peer median; target: <= 1.10 of the floor, <= 1.00 of busybox):")
for ours, peer, what, target in [("LB","F1","floor-init.c, cloud kernel",1.10), ("LB","C1","busybox shell, cloud kernel",1.00),
                                 ("GL","GF","floor-init.c, generic kernel",1.10), ("GL","GC","busybox shell, generic kernel",1.00)]:
    if peer in by and ours in by:
        r = med(by[ours],'uptime_s')/med(by[peer],'uptime_s')
        print(f"  {ours}/{peer}: {r:.2f}x  ({what}; target <= {target:.2f}: {'met' if r <= target else 'NOT met'})")
def verdict(ok): return "met" if ok else "NOT met"
print(f"\nagent binary: {agent} bytes = {agent/1e6:.2f} MB (target < 3 MB: {verdict(agent < 3e6)})")
print(f"default generic initramfs: {image} bytes = {image/1048576:.2f} MiB (target < 4 MiB: {verdict(image < 4*1048576)})")
print(f"probe start-up, one process per image (8 images, best of 5): liveinit {probe_li/1000:.1f} ms, blkid -p {probe_bl/1000:.1f} ms,"
      f" ratio blkid/liveinit {probe_bl/probe_li:.2f} (target >= 1: {verdict(probe_bl >= probe_li)})")
PY
