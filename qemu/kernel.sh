#!/usr/bin/env bash
# Fetch and extract a Debian generic kernel (no install, no depmod): prints VMLINUZ=... and MODULES=...
# The pinned version is tried first; when the mirror has moved on, the one linux-image-amd64 depends on.
#   kernel.sh                      the pinned 6.1 kernel (uncompressed .ko)
#   kernel.sh linux-image-6.12-amd64   the newest kernel a meta-package depends on (6.12: .ko.xz modules)
set -euo pipefail
PIN=${LIVEINIT_KERNEL:-linux-image-6.1.0-56-amd64}
CACHE=${LIVEINIT_CACHE:-$(cd "$(dirname "$0")/.." && pwd)/.cache}/kernel
mkdir -p "$CACHE"
have() { local pkg=$1; [ -d "$CACHE/$pkg/x/boot" ] && ls "$CACHE/$pkg/x/boot"/vmlinuz-* >/dev/null 2>&1; }
fetch() {
  local pkg=$1 dir=$CACHE/$1
  have "$pkg" && return 0
  rm -rf "$dir"; mkdir -p "$dir"
  (cd "$dir" && apt-get download "$pkg" >/dev/null 2>&1) || return 1
  dpkg-deb -x "$dir"/*.deb "$dir/x" && rm -f "$dir"/*.deb
}
META=${1:-}
if [ -n "$META" ]; then
  apt-cache depends "$META" 2>/dev/null | grep -q Depends || apt-get update -qq >/dev/null 2>&1 || true
  PIN=$(apt-cache depends "$META" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  [ -n "$PIN" ] || { echo "kernel.sh: $META depends on no kernel package" >&2; exit 1; }
fi
pkg=$PIN
if ! fetch "$pkg"; then
  apt-cache show "$pkg" >/dev/null 2>&1 || apt-get update -qq >/dev/null 2>&1 || true
  if ! fetch "$pkg"; then
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    [ -n "$pkg" ] || { echo "kernel.sh: cannot resolve a kernel package (apt-cache depends linux-image-amd64)" >&2; exit 1; }
    fetch "$pkg" || { echo "kernel.sh: apt-get download $pkg failed" >&2; exit 1; }
  fi
fi
x=$CACHE/$pkg/x
echo "VMLINUZ=$(ls "$x"/boot/vmlinuz-* | head -1)"
echo "MODULES=$(ls -d "$x"/lib/modules/* | head -1)"
