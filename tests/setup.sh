#!/usr/bin/env bash
# Installs, with apt-get, what the tests and the demo need on a bare Debian 12 machine with the .NET SDK.
# Does nothing when everything is there. Called by ./build.sh test and ./build.sh demo (and so by .ci/run).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs="qemu-system-x86 busybox-static squashfs-tools dosfstools mtools e2fsprogs xorriso fdisk gdisk kmod cpio
      xz-utils zstd file xfsprogs btrfs-progs exfatprogs ntfs-3g f2fs-tools cryptsetup-bin erofs-utils udftools
      python3 gcc libc6-dev util-linux time make
      grub-common grub-pc-bin grub-efi-amd64-bin isolinux syslinux syslinux-common ovmf
      pxelinux ipxe-qemu"
pkgs+=" curl openssl"   # the https srm load test (tests/boot/scenarios.d/layout.sh)
pkgs="$pkgs lz4"   # mkinitramfs --compress lz4 (ImageSizeTests)
missing=$(for p in $pkgs; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"; done)
# the package and distro-hook tests (tests/package, tests/hooks, tests/peers)
for p in debootstrap lintian scdoc man-db; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=" $p"; done
# signatures, NBD and https (issue 12): the openssl CLI, an NBD server, static OpenSSL for ./build.sh tls, CAs
for p in openssl nbdkit libssl-dev ca-certificates; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=" $p"; done
for p in nfs-ganesha nfs-ganesha-vfs; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=" $p"; done   # archiso_nfs_srv (tests/boot/scenarios.d/nfs.sh)
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "setup: missing packages:" $missing "- run as root (or: sudo apt-get install" $missing ")" >&2; exit 1
fi
echo "setup: installing" $missing
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
