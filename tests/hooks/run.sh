#!/usr/bin/env bash
# Distro hooks, proven end to end: LiveInit installed into an initramfs-tools and a dracut build chroot
# (copies of the peers' chroots from ../shared/bench-peers), initrds built by those tools, booted in QEMU.
# Not part of ./build.sh test yet (the chroots take minutes of downloads); run: bash tests/hooks/run.sh
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=${BENCH_PEERS:-$ROOT/../shared/bench-peers}
PEERS=${PEERS:-/tmp/peers}; export PEERS; mkdir -p "$PEERS"
W=$ROOT/artifacts/hooks; mkdir -p "$W"
source "$BENCH/common.sh"; set +e
if [ ! -d "$PEERS/chroot-liveboot" ] || [ ! -d "$PEERS/chroot-dracut" ] || [ ! -f "$PEERS/B/disk-live.img" ]; then
  (cd "$BENCH" && ./00-chroots.sh all && ./10-rootfs.sh && ./30-liveboot.sh) >"$W/peers.log" 2>&1 || { echo "peer build failed ($W/peers.log)"; exit 1; }
fi
pass=0 fail=0
check() {  # name log pattern...
  local name=$1 log=$2; shift 2; local p
  for p in "$@"; do
    if ! tr -d '\r' <"$log" | grep -aE -- "$p" >/dev/null; then echo "FAIL $name: '$p' (log $log)"; fail=$((fail+1)); return; fi
  done
  echo "PASS $name"; pass=$((pass+1))
}
boot() {  # log initrd disk cmdline
  cp --sparse=always "$PEERS/B/disk-live.img" "$W/disk.img"
  timeout 240 qemu-system-x86_64 -m 512 -nographic -no-reboot -kernel "$PEERS/vmlinuz" -initrd "$2" \
    -append "console=ttyS0 panic=-1 $4" -drive file="$W/disk.img",format=raw,if=virtio,cache=unsafe </dev/null >"$1" 2>&1
}
ARGS='root=live:LABEL=LIVE rd.live.dir=live rd.live.squashimg=filesystem.squashfs rd.live.overlay.overlayfs'

# initramfs-tools
C=$W/chroot-itools; rm -rf "$C"; cp -a "$PEERS/chroot-liveboot" "$C"
install -D -m 755 "$ROOT/artifacts/liveinit" "$C/usr/lib/liveinit/liveinit"
install -D -m 755 "$ROOT/initramfs-hooks/initramfs-tools/hooks/liveinit" "$C/usr/share/initramfs-tools/hooks/liveinit"
install -D -m 644 "$ROOT/initramfs-hooks/initramfs-tools/scripts/liveinit" "$C/usr/share/initramfs-tools/scripts/liveinit"
chroot_mount "$C"; in_chroot "$C" mkinitramfs -o /boot/initrd-liveinit.img "$KVER" >"$W/itools-build.log" 2>&1; chroot_umount "$C"
boot "$W/itools.log" "$C/boot/initrd-liveinit.img" "" "boot=liveinit $ARGS"
check hooks/initramfs-tools "$W/itools.log" 'liveinit: root assembled at /root; the embedding initramfs switches to it' 'LIVE-ROOT-REACHED' 'LIVE-ROOT-FS kind=overlay'

# dracut (dmsquash-live left out, so that root=live: is LiveInit's to read)
C=$W/chroot-dracut; rm -rf "$C"; cp -a "$PEERS/chroot-dracut" "$C"
install -D -m 755 "$ROOT/artifacts/liveinit" "$C/usr/lib/liveinit/liveinit"
mkdir -p "$C/usr/lib/dracut/modules.d/90liveinit"; cp "$ROOT"/initramfs-hooks/dracut/90liveinit/* "$C/usr/lib/dracut/modules.d/90liveinit/"
chroot_mount "$C"; in_chroot "$C" dracut --no-hostonly --force --add liveinit --omit "dmsquash-live" /boot/initrd-liveinit.img "$KVER" >"$W/dracut-build.log" 2>&1; chroot_umount "$C"
boot "$W/dracut.log" "$C/boot/initrd-liveinit.img" "" "rd.liveinit $ARGS"
check hooks/dracut "$W/dracut.log" 'liveinit: root assembled at /sysroot; the embedding initramfs switches to it' 'LIVE-ROOT-REACHED' 'LIVE-ROOT-FS kind=overlay'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
