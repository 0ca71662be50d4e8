#!/usr/bin/env bash
# The build chroots of the peers, made once and cached; prints the chroot's path.
#   chroot.sh minbase          debootstrap --variant=minbase bookworm (what every other chroot starts from)
#   chroot.sh initramfs-tools  + initramfs-tools, busybox (COMPRESS=gzip): Debian's own initramfs
#   chroot.sh liveboot         + initramfs-tools, live-boot, live-boot-initramfs-tools (COMPRESS=gzip)
#   chroot.sh dracut           + dracut, dracut-live (90dmsquash-live), no systemd: dracut's shell init + udev
#   chroot.sh dracut-systemd   + dracut, dracut-live, systemd, systemd-sysv: systemd in the initramfs (Fedora's way)
#   chroot.sh mkinitcpio       + kmod, libarchive-tools, busybox-static, udev, gawk and Arch's mkinitcpio v41 (vendored
#                              in tests/vendor/mkinitcpio, installed the way its meson build would)
# No kernel is installed: the builders bind the kernel tree of kernel.sh at /lib/modules/<version> when they run.
# Downloaded .debs are kept in $PEERS/apt-archives, so rebuilding a chroot downloads nothing again.
source "$(dirname "$0")/lib.sh"
name=${1:?usage: chroot.sh minbase|initramfs-tools|liveboot|dracut|dracut-systemd|mkinitcpio}

packages_of() {
  case $1 in
    initramfs-tools) echo "initramfs-tools busybox" ;;
    liveboot) echo "initramfs-tools live-boot live-boot-initramfs-tools" ;;
    dracut) echo "dracut dracut-live" ;;
    dracut-systemd) echo "dracut dracut-live systemd systemd-sysv" ;;
    mkinitcpio) echo "kmod libarchive-tools busybox-static udev gzip gawk" ;;
    *) die "unknown chroot '$1' (minbase, initramfs-tools, liveboot, dracut, dracut-systemd, mkinitcpio)" ;;
  esac
}

minbase() {
  local d=$PEERS/minbase r
  r=$(recipe_of "$SUITE" "$MIRROR" minbase-1)
  if ! is_built "$d" "$r"; then
    command -v debootstrap >/dev/null || die "debootstrap is missing (bash tests/setup.sh installs it)"
    say "debootstrap --variant=minbase $SUITE (once, 1-3 minutes)"
    remove_tree "$d.new"; mkdir -p "$PEERS/apt-archives"
    debootstrap --variant=minbase --cache-dir="$PEERS/apt-archives" "$SUITE" "$d.new" "$MIRROR" \
      >"$PEERS/minbase.log" 2>&1 \
      || die "debootstrap failed (log: $PEERS/minbase.log)"
    cat >"$d.new/etc/apt/sources.list" <<EOS
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
EOS
    printf 'Acquire::Check-Valid-Until "false";\nAcquire::Check-Date "false";\n' >"$d.new/etc/apt/apt.conf.d/99nocheck"
    # never start a service inside a chroot
    printf '#!/bin/sh\nexit 101\n' >"$d.new/usr/sbin/policy-rc.d"; chmod 755 "$d.new/usr/sbin/policy-rc.d"
    remove_tree "$d"; mv "$d.new" "$d"; mark_built "$d" "$r"
  fi
  echo "$d"
}

# the vendored mkinitcpio, with the @...@ placeholders its meson build fills in, as /usr/bin/mkinitcpio and
# /usr/lib/initcpio; busybox-static's binary is the one its base hook wants at /usr/lib/initcpio/busybox
install_mkinitcpio() {
  local d=$1 src=$ROOT/tests/vendor/mkinitcpio f
  # Arch has no /usr/sbin (it is /usr/bin there): mkinitcpio's PATH gets it, or blkid, switch_root and modinfo
  # are not found
  local subst='s|@VERSION@|41|g; s|@BINDIR@|/usr/bin:/usr/sbin|g; s|@SYSCONFDIR@|/etc|g;
    s|@INITCPIO_SYSCONFDIR@|/etc/initcpio|g; s|@INITCPIO_LIBDIR@|/usr/lib/initcpio|g;
    s|@UDEVD_PATH@|/usr/lib/systemd/systemd-udevd|g; s|@TMPFILES_PATH@||g'
  mkdir -p "$d/usr/lib/initcpio/install" "$d/usr/lib/initcpio/hooks" "$d/etc/initcpio/install" "$d/etc/initcpio/hooks"
  sed "$subst" "$src/mkinitcpio" >"$d/usr/bin/mkinitcpio"; chmod 755 "$d/usr/bin/mkinitcpio"
  for f in functions init init_functions; do sed "$subst" "$src/$f" >"$d/usr/lib/initcpio/$f"; done
  for f in "$src"/install/* "$src"/hooks/*; do
    sed "$subst" "$f" >"$d/usr/lib/initcpio/${f#"$src"/}"
  done
  # a copy, as on Arch: through a link, the base hook ends with /usr/bin/busybox -> itself (ELOOP as /init)
  cp "$d/usr/bin/busybox" "$d/usr/lib/initcpio/busybox"
  # the udev hook names two files where Arch keeps them: its libdir is /usr/lib, and it compiles the hwdb to /etc
  ln -sf x86_64-linux-gnu/libkmod.so.2 "$d/usr/lib/libkmod.so.2"
  ln -sf /usr/lib/udev/hwdb.bin "$d/etc/udev/hwdb.bin"
}

chroot_of() {
  local name=$1 base d r pkgs extra=""
  base=$(minbase); pkgs=$(packages_of "$name")
  d=$PEERS/chroot-$name
  # what makes a chroot: the minbase, the packages, this code (not its comments), mkinitcpio's files
  [ "$name" = mkinitcpio ] && extra=$ROOT/tests/vendor/mkinitcpio
  r=$(recipe_of "$(cat "$base.recipe")" "$pkgs" "$(declare -f chroot_of)" \
    ${extra:+"$extra" "$(declare -f install_mkinitcpio)"})
  if ! is_built "$d" "$r"; then
    say "chroot $name: apt-get install $pkgs"
    remove_tree "$d.new"; cp -a "$base" "$d.new"
    cp /etc/resolv.conf "$d.new/etc/resolv.conf"
    mkdir -p "$PEERS/apt-archives/partial"
    # minbase has no poweroff/reboot/halt (no init system): dracut's 99shutdown module could not be installed
    case $name in dracut) mkdir -p "$d.new/etc/dracut.conf.d"
      echo 'omit_dracutmodules+=" shutdown "' >"$d.new/etc/dracut.conf.d/10-peers-noshutdown.conf" ;; esac
    chroot_mount "$d.new"
    mount --bind "$PEERS/apt-archives" "$d.new/var/cache/apt/archives"
    if ! { in_chroot "$d.new" apt-get update && in_chroot "$d.new" apt-get install -y --no-install-recommends $pkgs; } \
      >"$PEERS/chroot-$name.log" 2>&1; then
      umount_below "$d.new"; die "chroot $name: apt-get failed (log: $PEERS/chroot-$name.log)"
    fi
    umount_below "$d.new"
    # zstd is initramfs-tools' default but not installed: gzip, as dracut chooses by itself
    case $name in initramfs-tools | liveboot)
      echo COMPRESS=gzip >"$d.new/etc/initramfs-tools/conf.d/peers-compress" ;;
    esac
    case $name in mkinitcpio) install_mkinitcpio "$d.new" ;; esac
    remove_tree "$d"; mv "$d.new" "$d"; mark_built "$d" "$r"
  fi
  echo "$d"
}

lock_peers
case $name in
  minbase) minbase ;;
  *) chroot_of "$name" ;;
esac
