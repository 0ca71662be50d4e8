#!/usr/bin/env bash
# QEMU boot scenarios. Each prints "PASS name" or "FAIL name: why" (one line per check group).
#   scenarios.sh list            the scenario names
# (no "grep -q" after a pipe: with pipefail, an early exit of grep fails the writer with SIGPIPE)
#   scenarios.sh run NAME        run one (env: VMLINUZ, INITRD, MEDIA, OUT)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BOOT=$HERE/../../qemu/boot.sh
TMO=${BOOT_TIMEOUT:-60}

disk() { local d=$OUT/$1-$2; cp --sparse=always "$MEDIA/$2" "$d"; echo "$d"; }
virtio() { echo "-drive file=$1,format=raw,if=virtio,cache=unsafe"; }
log_of() { tr -d '\r' <"$1"; }
expect() {  # name log pattern...: every pattern must be in the log
  local name=$1 log=$2; shift 2
  local p
  for p in "$@"; do
    if ! log_of "$log" | grep -aE -- "$p" >/dev/null; then echo "FAIL $name: '$p' not on the console (log: $log)"; return 1; fi
  done
  if log_of "$log" | grep -a "Kernel panic" >/dev/null; then echo "FAIL $name: kernel panic (log: $log)"; return 1; fi
  echo "PASS $name"
}
refuse() {  # name log pattern...: none may be in the log (which must be a finished boot's log)
  local name=$1 log=$2; shift 2
  local p
  if ! grep -a "boot.sh: wall" "$log" >/dev/null 2>&1; then echo "FAIL $name: no finished boot log at $log"; return 1; fi
  for p in "$@"; do
    if log_of "$log" | grep -aE -- "$p" >/dev/null; then echo "FAIL $name: '$p' must not appear (log: $log)"; return 1; fi
  done
  echo "PASS $name"
}

# the md5 of a disk image, to prove that a boot left a disk nobody named byte-identical
md5_of() { md5sum "$1" | cut -d' ' -f1; }
same_bytes() {  # name file md5-before: the file must be byte-identical to what it was
  local name=$1 f=$2 before=$3 now; now=$(md5_of "$f")
  if [ "$now" = "$before" ]; then echo "PASS $name"; else echo "FAIL $name: $f changed ($before -> $now)"; fi
}

# every scenario group: functions named s_<name>
for f in "$HERE"/scenarios.d/*.sh; do . "$f"; done

case "${1:-list}" in
  list) declare -F | awk '{print $3}' | sed -n 's/^s_//p' ;;
  run) "s_$2" ;;
esac
