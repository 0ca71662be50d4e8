# Bounded waits (sourced by ../scenarios.sh): a driver whose init never returns must not stop the boot.
# The stuck driver is real: an out-of-tree module whose init sleeps for five minutes, built here against the
# test kernel's own Debian headers (linux-headers-KVER, its -common package and linux-kbuild, extracted into
# the cache with dpkg-deb -x), put in the initramfs with mkinitramfs --extra-module and matched by coldplug
# through its aliases, as a real driver would be: the e1000 NIC of -device e1000 (a PCI device coldplug finds)
# and the virtio entropy source of -device virtio-rng-pci (a device that appears only once virtio_pci is in,
# so its driver is asked for by a uevent while the boot waits for its medium). Neither real driver is in the
# initramfs. The built .ko is cached under $LIVEINIT_CACHE/kmod/KVER.

WAITS_AGENT=$HERE/../../artifacts/liveinit
WAITS_CACHE=${LIVEINIT_CACHE:-$HERE/../../.cache}

waits_kver() { local k; k=$(basename "$VMLINUZ"); echo "${k#vmlinuz-}"; }
waits_modules() { echo "$(dirname "$(dirname "$VMLINUZ")")/lib/modules/$(waits_kver)"; }

# the headers of the test kernel, extracted once; prints their folder (linux-headers-KVER) or fails with a reason
waits_headers() {
  local kver; kver=$(waits_kver)
  local dir=$WAITS_CACHE/kheaders/$kver
  if [ ! -f "$dir/x/usr/src/linux-headers-$kver/Module.symvers" ]; then
    local pkgs
    pkgs=$(apt-cache depends "linux-headers-$kver" 2>/dev/null | awk '/Depends: linux-(headers|kbuild)-/ {print $2}')
    if [ -z "$pkgs" ]; then
      apt-get update -qq >/dev/null 2>&1 || true
      pkgs=$(apt-cache depends "linux-headers-$kver" 2>/dev/null | awk '/Depends: linux-(headers|kbuild)-/ {print $2}')
    fi
    [ -n "$pkgs" ] || { echo "no package linux-headers-$kver on this mirror (apt-cache depends found nothing)"; return 1; }
    rm -rf "$dir"; mkdir -p "$dir"
    # shellcheck disable=SC2086
    if ! (cd "$dir" && apt-get download "linux-headers-$kver" $pkgs) >"$dir.log" 2>&1; then
      echo "apt-get download linux-headers-$kver" $pkgs "failed (see $dir.log)"; rm -rf "$dir"; return 1
    fi
    local deb; for deb in "$dir"/*.deb; do dpkg-deb -x "$deb" "$dir/x" || { echo "dpkg-deb -x $deb failed"; return 1; }; done
    rm -f "$dir"/*.deb
  fi
  echo "$dir/x/usr/src/linux-headers-$kver"
}

WAITS_STUCK_C=$(cat <<'C'
// A driver whose init never returns in time (five minutes of msleep, TASK_UNINTERRUPTIBLE like a driver
// waiting on hardware): finit_module does not return before it ends, and no signal interrupts it.
#include <linux/module.h>
#include <linux/delay.h>

static int __init liveinit_stuck_init(void)
{
	int i;

	pr_info("liveinit_stuck: init blocks for 300 s\n");
	for (i = 0; i < 300; i++)
		msleep(1000);
	return 0;
}

static void __exit liveinit_stuck_exit(void)
{
}

module_init(liveinit_stuck_init);
module_exit(liveinit_stuck_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LiveInit test: a driver whose init blocks for five minutes");
MODULE_ALIAS("pci:v00008086d0000100Esv*sd*bc*sc*i*");	/* QEMU's e1000 NIC */
MODULE_ALIAS("virtio:d00000004v*");			/* a virtio entropy source */
C
)

# prints the path of liveinit_stuck.ko for the test kernel (built once per source, cached), or prints a reason
# and returns 1 (the headers cannot be had: skip) or 2 (they are here, yet the build failed)
waits_stuck_module() {
  local kver; kver=$(waits_kver)
  local out; out=$WAITS_CACHE/kmod/$kver-$(printf '%s\n' "$WAITS_STUCK_C" | md5sum | cut -c1-8)
  [ -s "$out/liveinit_stuck.ko" ] && { echo "$out/liveinit_stuck.ko"; return 0; }
  command -v make >/dev/null && command -v gcc >/dev/null || { echo "make and gcc are needed (tests/setup.sh installs them)"; return 2; }
  local hdr; hdr=$(waits_headers) || { echo "$hdr"; return 1; }
  local common; common=$(sed -n 's|^include /usr/src/\(linux-headers-[^/]*\)/Makefile$|\1|p' "$hdr/Makefile")
  [ -d "$hdr/../$common" ] || { echo "$hdr/Makefile names no -common headers folder next to it"; return 2; }
  local src=$out/src; rm -rf "$src"; mkdir -p "$src"
  printf '%s\n' "$WAITS_STUCK_C" >"$src/liveinit_stuck.c"
  echo 'obj-m := liveinit_stuck.o' >"$src/Kbuild"
  if ! make -C "$hdr/../$common" O="$hdr" M="$src" modules >"$out/build.log" 2>&1; then
    echo "building liveinit_stuck.ko against $hdr failed (see $out/build.log)"; return 2
  fi
  cp "$src/liveinit_stuck.ko" "$out/liveinit_stuck.ko" && echo "$out/liveinit_stuck.ko"
}

# an initramfs with the stuck module (one build for both scenarios); prints its path, or a reason and returns
# 1 (skip: no headers) or 2 (fail)
waits_initrd() {
  local ko initrd=$OUT/initrd-stuck.img
  mkdir -p "$WAITS_CACHE/kmod"
  (
    flock 9
    [ -s "$initrd" ] && exit 0
    ko=$(waits_stuck_module) || { rc=$?; echo "$ko"; exit $rc; }
    "$WAITS_AGENT" mkinitramfs --modules-root "$(waits_modules)" --output "$initrd" --extra-module "$ko" \
      >"$OUT/initrd-stuck.txt" 2>&1 || { echo "mkinitramfs --extra-module $ko failed (see $OUT/initrd-stuck.txt)"; exit 2; }
    if grep -q "will refuse" "$OUT/initrd-stuck.txt"; then tr '\n' ' ' <"$OUT/initrd-stuck.txt"; rm -f "$initrd"; exit 2; fi
  ) 9>"$WAITS_CACHE/kmod.lock" || return $?
  echo "$initrd"
}

waits_not_built() {  # name rc reason
  if [ "$2" = 1 ]; then echo "SKIP $1: $3"; else echo "FAIL $1: $3"; fi
}

# seconds (kernel clock) of the first console line matching a pattern
waits_time_of() { log_of "$2" | grep -aE -- "$1" | grep -aoE '^\[ *[0-9]+\.[0-9]+\]' | head -1 | tr -d '[] '; }

s_stuck_module() {
  local initrd
  initrd=$(waits_initrd) || { waits_not_built boot/stuck-module-boot-goes-on $? "$initrd"; return; }
  # the medium is a USB stick plugged in after 8 s: by then coldplug has started the stuck driver (the NIC is
  # present from the start), and the stick's drivers load while it hangs; rootdelay=20 covers the stick
  local d; d=$(disk stuck rescue.img); local l=$OUT/stuck.log
  INITRD=$initrd HOTPLUG_AFTER=8 HOTPLUG_DISK=$d "$BOOT" "$l" "$TMO" \
    'archisobasedir=sysresccd archisolabel=RESCUE rootdelay=20' -device qemu-xhci,id=xhci -device e1000
  expect boot/stuck-module-named-boot-goes-on "$l" 'liveinit_stuck: init blocks for 300 s' \
    'boot medium: /dev/sda1: vfat LABEL="RESCUE"' \
    'module liveinit_stuck has not finished loading after [0-9]+ s; continuing without it' \
    'switching to the new root' 'LIVEINIT-ROOT-REACHED' 'ROOTFS-TYPE=overlay' 'LIVEINIT-ROOT-DONE'
  # the root's init runs within the 3 s FinishDrivers grants in-flight loads (+ the rest of the boot) after the
  # medium was found, not after the driver's five minutes: execve of PID 1 does not wait for the stuck insert
  local t up; t=$(waits_time_of 'boot medium: /dev/sda1' "$l")
  up=$(log_of "$l" | grep -aoE 'LIVEINIT-ROOT-REACHED uptime=[0-9.]+' | head -1 | sed 's/.*=//')
  if [ -n "$t" ] && [ -n "$up" ] && awk -v a="$t" -v b="$up" 'BEGIN { exit !(b - a < 8) }'; then
    echo "PASS boot/stuck-module-root-within-bound (medium at ${t} s, root's init at ${up} s)"
  else echo "FAIL boot/stuck-module-root-within-bound: medium at '${t}' s, root's init at '${up}' s, bound 8 s (log: $l)"; fi
}

s_stuck_module_rootdelay() {
  local initrd
  initrd=$(waits_initrd) || { waits_not_built boot/stuck-module-rootdelay-exact $? "$initrd"; return; }
  local d; d=$(disk stuckwait spacelabel.img); local l=$OUT/stuckwait.log
  # the virtio-rng device appears (and its uevent reaches the device wait) while the medium is awaited
  INITRD=$initrd "$BOOT" "$l" "$TMO" 'archisolabel=NOPE rootdelay=4' $(virtio "$d") -device virtio-rng-pci
  expect boot/stuck-module-missing-medium-emergency "$l" 'liveinit_stuck: init blocks for 300 s' \
    'the boot medium \(LABEL=NOPE\) did not appear within 4 s' 'emergency shell started'
  # rootdelay is kept while the stuck driver loads: kernel timestamps of the step's start and of the failure
  # (the deadline is set as the step starts; the last scan after it may take a moment on a loaded host)
  local t0 t1; t0=$(waits_time_of '\[3/[0-9]+\] wait up to 4 s for the device LABEL=NOPE' "$l")
  t1=$(waits_time_of 'did not appear within 4 s' "$l")
  if [ -n "$t0" ] && [ -n "$t1" ] && awk -v a="$t0" -v b="$t1" 'BEGIN { d = b - a; exit !(d >= 3.9 && d < 5.5) }'; then
    echo "PASS boot/stuck-module-rootdelay-exact (waited $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s)"
  else echo "FAIL boot/stuck-module-rootdelay-exact: the wait ran from '$t0' to '$t1' (kernel clock), rootdelay=4 (log: $l)"; fi
}
