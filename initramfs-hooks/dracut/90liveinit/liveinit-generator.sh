#!/bin/sh
# systemd generator (dracut with systemd): with rd.liveinit on the kernel command line, liveinit.service becomes
# a requirement of initrd-root-fs.target, so it runs before the root is needed and a failure to assemble the root
# ends in dracut's emergency handling, as a failed sysroot.mount would.
type getargbool > /dev/null 2>&1 || . /lib/dracut-lib.sh

getargbool 0 rd.liveinit || exit 0
GENERATOR_DIR="$1"
[ -n "$GENERATOR_DIR" ] || exit 1
mkdir -p "$GENERATOR_DIR/initrd-root-fs.target.requires"
ln -sf ../liveinit.service "$GENERATOR_DIR/initrd-root-fs.target.requires/liveinit.service"
