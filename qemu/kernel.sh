#!/usr/bin/env bash
# Fetch and extract a Debian generic kernel (no install, no depmod): prints VMLINUZ=... and MODULES=...
# The pinned version is tried first; when the mirror has moved on, the one linux-image-amd64 depends on.
set -euo pipefail
PIN=${LIVEINIT_KERNEL:-linux-image-6.1.0-56-amd64}
CACHE=${LIVEINIT_CACHE:-$(cd "$(dirname "$0")/.." && pwd)/.cache}/kernel
mkdir -p "$CACHE"
find_extracted() { local d; for d in "$CACHE"/*/x; do [ -f "$d/boot/vmlinuz-"* ] 2>/dev/null && echo "$d" && return 0; done; return 1; }
have() { local pkg=$1; [ -d "$CACHE/$pkg/x/boot" ] && ls "$CACHE/$pkg/x/boot"/vmlinuz-* >/dev/null 2>&1; }
fetch() {
  local pkg=$1 dir=$CACHE/$1
  have "$pkg" && return 0
  rm -rf "$dir"; mkdir -p "$dir"
  (cd "$dir" && apt-get download "$pkg" >/dev/null 2>&1) || return 1
  dpkg-deb -x "$dir"/*.deb "$dir/x" && rm -f "$dir"/*.deb
}
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
