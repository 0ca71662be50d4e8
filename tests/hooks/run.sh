#!/usr/bin/env bash
# Distro hooks, proven end to end (part of tests/run-all.sh): the Debian package installed with dpkg -i into Debian
# 12 build chroots (tests/peers, cached under .cache/peers), images built by each distribution's own generator,
# booted in QEMU to the live root of qemu/media.d/hooks.sh:
#   initramfs-tools  update-initramfs -c                        boot=liveinit archisolabel=HOOKLIVE
#   dracut           dracut --add liveinit, dracut's shell init  rd.liveinit root=live:LABEL=HOOKLIVE ...
#   dracut-systemd   the same with systemd in the initramfs (liveinit.service before initrd-root-fs.target)
#   mkinitcpio       Arch's mkinitcpio v41 (tests/vendor), HOOKS=(base udev modconf block liveinit)
#                                                                archisolabel=HOOKLIVE
# Prints "PASS name" / "FAIL name: why" lines and the time each part took.
#   bash tests/hooks/run.sh      (env MEDIA: media folder of qemu/mkmedia.sh, built when unset; DEB: the package,
#                                 built from artifacts/liveinit when unset; HOOKS: which of the four, regex)
source "$(dirname "$0")/../peers/lib.sh"
set +e
W=$ROOT/artifacts/hooks; mkdir -p "$W"
ONLY=${HOOKS:-.}
t0=$(date +%s)
lap() { echo "  [hooks: $1 $(( $(date +%s) - $2 ))s]"; }

pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
no() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
check() {  # name log pattern...: every pattern on the console
  local name=$1 log=$2 p; shift 2
  for p in "$@"; do
    tr -d '\r' <"$log" | grep -aE -- "$p" >/dev/null || { no "$name" "'$p' not on the console (log: $log)"; return; }
  done
  ok "$name"
}

in_order() {  # name log pattern...: the patterns on the console, each on a later line than the one before
  local name=$1 log=$2 p at=0 n; shift 2
  for p in "$@"; do
    n=$(tr -d '\r' <"$log" | grep -anE -- "$p" | cut -d: -f1 | awk -v a="$at" '$1 > a {print; exit}')
    [ -n "$n" ] || { no "$name" "'$p' not on the console after line $at (log: $log)"; return; }
    at=$n
  done
  ok "$name"
}

# what every part needs: the package, the medium, the peers' kernel
t=$(date +%s)
DEB=${DEB:-$(bash "$ROOT/packaging/build-deb.sh" "$W" 2>"$W/deb.log")} \
  || no hooks/package "packaging/build-deb.sh failed ($W/deb.log)"
if [ -z "${MEDIA:-}" ]; then MEDIA=$W/media; bash "$ROOT/qemu/mkmedia.sh" "$MEDIA" >"$W/media.log" 2>&1; fi
kernel=$(bash "$PEERS_SRC/kernel.sh" 2>"$W/kernel.log") \
  || no hooks/kernel "tests/peers/kernel.sh failed ($W/kernel.log)"
KVER=$(sed -n 's/^KVER=//p' <<<"$kernel"); VMLINUZ=$(sed -n 's/^VMLINUZ=//p' <<<"$kernel")
TREE=$(sed -n 's/^TREE=//p' <<<"$kernel")
lap "package, medium, kernel" "$t"
if [ ! -f "${DEB:-/none}" ] || [ ! -f "$MEDIA/hooks.img" ] || [ -z "$KVER" ]; then
  echo "$pass passed, $((fail + 1)) failed"; exit 1
fi
lock_peers

# image_files IMG: the names in an initramfs: uncompressed newc archives first (mkinitcpio and dracut put early
# microcode or an empty one there), then one gzip-compressed archive
image_files() {
  python3 - "$1" <<'PY'
import gzip, sys
def names(data):
    off = 0
    while data[off:off + 6] in (b"070701", b"070702"):
        size, namesize = int(data[off + 54:off + 62], 16), int(data[off + 94:off + 102], 16)
        name = data[off + 110:off + 110 + namesize - 1].decode(errors="replace")
        off = (off + 110 + namesize + 3) & ~3
        off = (off + size + 3) & ~3
        if name == "TRAILER!!!":
            while off < len(data) and data[off] == 0:
                off += 1
        else:
            print(name.removeprefix("./"))
    return off
data = open(sys.argv[1], "rb").read()
rest = data[names(data):]
if rest[:2] == b"\x1f\x8b":
    names(gzip.decompress(rest))
PY
}

# build NAME CHROOT COMMAND...: a throw-away overlay of the cached chroot with the kernel and the package installed,
# COMMAND run in it (it writes /tmp/initrd.img), the image kept as $W/NAME.img
build() {
  local name=$1 chroot=$2 t c; shift 2
  t=$(date +%s)
  c=$(bash "$PEERS_SRC/chroot.sh" "$chroot" 2>"$W/$name-chroot.log") \
    || { no "hooks/$name-image" "tests/peers/chroot.sh $chroot failed ($W/$name-chroot.log)"; return 1; }
  local o=$W/$name-overlay r=$W/$name-overlay/root
  overlay_up "$c" "$o"; kernel_into "$r" "$TREE" "$KVER"; chroot_mount "$r"
  cp "$DEB" "$r/tmp/liveinit.deb"; rm -f "$W/$name.img"
  {
    in_chroot "$r" dpkg -i /tmp/liveinit.deb && in_chroot "$r" dpkg -s liveinit | grep -q "install ok installed" \
      && in_chroot "$r" "$@" && cp "$r/tmp/initrd.img" "$W/$name.img"
  } >"$W/$name-build.log" 2>&1
  local rc=$?
  overlay_down "$o"
  lap "$name image" "$t"
  if [ $rc -ne 0 ] || [ ! -s "$W/$name.img" ]; then
    no "hooks/$name-image" "build failed (log: $W/$name-build.log)"; return 1
  fi
  # the agent is in the image (the hooks copy it as /bin/liveinit or /usr/bin/liveinit)
  if image_files "$W/$name.img" | grep -E '^(usr/)?bin/liveinit$' >/dev/null; then
    ok "hooks/$name-image"
  else
    no "hooks/$name-image" "no bin/liveinit in $W/$name.img"; return 1
  fi
}

# boot NAME "CMDLINE" TIMEOUT: the image with the peers' kernel and a copy of the medium
boot() {
  cp --sparse=always "$MEDIA/hooks.img" "$W/$1-disk.img"; : >"$W/$1.log"
  VMLINUZ=$VMLINUZ INITRD=$W/$1.img bash "$ROOT/qemu/boot.sh" "$W/$1.log" "$3" "$2" \
    -drive file="$W/$1-disk.img",format=raw,if=virtio,cache=unsafe
}

built=()
if [[ initramfs-tools =~ $ONLY ]]; then
  build initramfs-tools initramfs-tools sh -c \
    "update-initramfs -c -k $KVER -b /tmp && mv /tmp/initrd.img-$KVER /tmp/initrd.img" && built+=(initramfs-tools)
fi
# dracut-live is installed in these chroots: dmsquash-live is left out so that root=live: is LiveInit's
for v in dracut dracut-systemd; do
  [[ $v =~ $ONLY ]] || continue
  build "$v" "$v" dracut --no-hostonly --force --add liveinit --omit dmsquash-live /tmp/initrd.img "$KVER" \
    && built+=("$v")
done
if [[ mkinitcpio =~ $ONLY ]]; then
  conf='MODULES=()\nBINARIES=()\nFILES=()\nHOOKS=(base udev modconf block liveinit)\nCOMPRESSION=gzip\n'
  build mkinitcpio mkinitcpio sh -c "printf '$conf' >/etc/mkinitcpio.conf && mkinitcpio -k $KVER -g /tmp/initrd.img" \
    && built+=(mkinitcpio)
fi

# the boots, two at a time
DRACUT_LIVE='root=live:LABEL=HOOKLIVE rd.live.image rd.live.overlay.overlayfs'
declare -A cmdline=(
  [initramfs-tools]="boot=liveinit archisolabel=HOOKLIVE"
  [dracut]="rd.liveinit $DRACUT_LIVE"
  [dracut-systemd]="rd.liveinit $DRACUT_LIVE"
  [mkinitcpio]="archisolabel=HOOKLIVE"
)
t=$(date +%s)
running=0
for v in "${built[@]}"; do
  boot "$v" "${cmdline[$v]}" "${HOOK_BOOT_TIMEOUT:-240}" &
  running=$((running + 1)); [ $running -ge 2 ] && { wait -n; running=$((running - 1)); }
done
wait
lap "boots" "$t"
ASSEMBLED='liveinit: root assembled at (/root|/sysroot|/new_root); the embedding initramfs switches to it'
REACHED='LIVEINIT-ROOT-REACHED'
for v in "${built[@]}"; do
  l=$W/$v.log
  case $v in
    initramfs-tools) check "hooks/$v-boot" "$l" "$ASSEMBLED" "$REACHED" 'ROOTFS-TYPE=overlay' ;;
    dracut) check "hooks/$v-boot" "$l" "$ASSEMBLED" "$REACHED" 'ROOTFS-TYPE=overlay' ;;
    # systemd ran the unit (its description on the console), not dracut's mount hook
    # systemd ran the unit (not dracut's mount hook), and initrd-root-fs.target came after it
    dracut-systemd) check "hooks/$v-boot" "$l" 'Starting .*liveinit\.service' "$ASSEMBLED" \
      'Finished .*liveinit\.service' 'Reached target .*Initrd Root File System' "$REACHED" 'ROOTFS-TYPE=overlay'
      in_order "hooks/$v-unit-before-initrd-root-fs" "$l" 'Finished .*liveinit\.service' \
        'Reached target .*Initrd Root File System' 'Starting .*initrd-switch-root' "$REACHED" ;;
    mkinitcpio) check "hooks/$v-boot" "$l" "$ASSEMBLED" "$REACHED" 'ROOTFS-TYPE=overlay' ;;
  esac
done
lap "all" "$t0"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
