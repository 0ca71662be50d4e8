#!/usr/bin/env bash
# Boot the kernel + an initramfs under QEMU/TCG with a hard timeout; the serial console goes to LOG.
# no_timer_check: under a loaded host, TCG can miss the kernel's IO-APIC timer test ("IO-APIC + timer doesn't work"
# panic); the check is for broken hardware, not emulated machines.
# QEMU is stopped as soon as the console shows the test root finishing, the emergency shell, or a panic.
# TYPE_ON=REGEX TYPE_TEXT=TEXT: once the console shows REGEX, TEXT and a carriage return are typed on the serial
# console (once), as a person at the console would answer a prompt.
#   boot.sh LOG TIMEOUT_S "KERNEL ARGS" [qemu args...]     (env VMLINUZ, INITRD; HOTPLUG_AFTER=N HOTPLUG_DISK=F)
# FIRMWARE_BOOT=bios (or 1): no -kernel/-initrd/-append (KERNEL ARGS is ignored, pass ""): SeaBIOS boots the
# media the qemu args attach, through their boot loader. FIRMWARE_BOOT=uefi: the same with Debian's OVMF
# (a fresh copy of its variable store per boot; OVMF_CODE, OVMF_VARS override the files).
set -uo pipefail
LOG=$1 TMO=$2 APPEND=$3; shift 3
vars=
case "${FIRMWARE_BOOT:-}" in
  "") : "${VMLINUZ:?}" "${INITRD:?}"
      boot=(-kernel "$VMLINUZ" -initrd "$INITRD" -append "console=ttyS0 panic=-1 no_timer_check $APPEND") ;;
  1|bios) boot=() ;;
  uefi)
    code=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}; tmpl=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
    [ -f "$code" ] || { code=/usr/share/OVMF/OVMF_CODE.fd; tmpl=/usr/share/OVMF/OVMF_VARS.fd; }
    [ -f "$code" ] && [ -f "$tmpl" ] || { echo "boot.sh: no OVMF firmware (apt-get install ovmf)" >&2; exit 1; }
    vars=$(mktemp /tmp/liveinit-ovmf-vars.XXXXXX); cp "$tmpl" "$vars"
    boot=(-drive if=pflash,format=raw,readonly=on,file="$code" -drive if=pflash,format=raw,file="$vars") ;;
  *) echo "boot.sh: FIRMWARE_BOOT=$FIRMWARE_BOOT: bios or uefi" >&2; exit 2 ;;
esac
mon=$(mktemp -u /tmp/liveinit-mon.XXXXXX)
: >"$LOG"   # before QEMU starts: the loop below reads it at once
typed=; fifo=
if [ -n "${TYPE_ON:-}" ]; then   # the serial input: a pipe held open read-write here, written once the prompt shows
  fifo=$(mktemp -u /tmp/liveinit-in.XXXXXX); mkfifo "$fifo"; exec 7<>"$fifo"
else exec 7</dev/null; fi
qemu-system-x86_64 -m 512 -nographic -no-reboot -nodefaults -serial stdio -cpu max \
  -monitor unix:"$mon",server=on,wait=off "${boot[@]}" "$@" <&7 >"$LOG" 2>&1 &
qpid=$!
start=$(date +%s)
hot=${HOTPLUG_AFTER:-}
while kill -0 $qpid 2>/dev/null; do
  now=$(date +%s)
  if [ -n "$hot" ] && [ $((now - start)) -ge "$hot" ] && [ -S "$mon" ]; then
    python3 - "$mon" "$HOTPLUG_DISK" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); time.sleep(0.2)
for cmd in (f"drive_add 0 if=none,id=usbdisk,format=raw,file={sys.argv[2]}", "device_add usb-storage,bus=xhci.0,drive=usbdisk,id=usbstick"):
    s.sendall((cmd + "\n").encode()); time.sleep(0.5)
s.close()
PY
    echo "[boot.sh: hot-added $HOTPLUG_DISK after ${hot}s]" >>"$LOG.host"
    hot=
  fi
  if [ -n "$fifo" ] && [ -z "$typed" ] && tr -d '\r' <"$LOG" | grep -qaE -- "$TYPE_ON"; then
    sleep 1; printf '%s\r' "${TYPE_TEXT:-}" >&7; typed=1
    echo "[boot.sh: typed ${#TYPE_TEXT} characters on the serial console]" >>"$LOG.host"
  fi
  if tr -d '\r' <"$LOG" | grep -qaE 'LIVEINIT-ROOT-DONE|emergency shell started|Kernel panic|Power down|reboot: Power'; then
    sleep 1; break
  fi
  if [ $((now - start)) -ge "$TMO" ]; then echo "[boot.sh: timeout after ${TMO}s]" >>"$LOG"; break; fi
  sleep 0.5
done
kill $qpid 2>/dev/null; wait $qpid 2>/dev/null
exec 7>&-
rm -f "$mon" ${vars:+"$vars"} ${fifo:+"$fifo"}
echo "[boot.sh: wall $(( $(date +%s) - start ))s]" >>"$LOG"
exit 0
