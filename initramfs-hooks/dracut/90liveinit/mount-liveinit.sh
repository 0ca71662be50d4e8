#!/bin/sh
# dracut mount hook: LiveInit assembles the live root at $NEWROOT and returns; dracut switches to it.
if [ "$root" = "liveinit" ] && ! ismounted "$NEWROOT"; then
    /usr/bin/liveinit boot --sysroot "$NEWROOT" --no-switch-root \
        || die "LiveInit could not assemble the live root (its messages above say why)"
fi
