#!/bin/bash
# dracut module: LiveInit assembles the live root at /sysroot (kernel command line: rd.liveinit, plus the
# live dialect's own parameters). Install this folder as /usr/lib/dracut/modules.d/90liveinit and the agent
# as /usr/lib/liveinit/liveinit; build with: dracut --add liveinit ...
# Without systemd in the initramfs, dracut's mount hook runs LiveInit. With systemd (dracut's systemd module,
# Fedora's default), a generator makes liveinit.service a requirement of initrd-root-fs.target when rd.liveinit
# is given: it runs before sysroot.mount would, mounts /sysroot, and systemd switches to it (as dmsquash-live's
# generator does with its sysroot.mount).

check() {
    [[ -x /usr/lib/liveinit/liveinit ]] || return 1
    return 255   # only when asked for
}

depends() {
    echo base
}

installkernel() {
    hostonly='' instmods loop squashfs erofs overlay dm_mod dm_snapshot isofs udf vfat exfat ext4 \
        nls_cp437 nls_ascii nls_utf8 nls_iso8859_1 virtio_pci virtio_blk virtio_scsi sd_mod sr_mod \
        usb_storage uas ahci nvme
}

install() {
    inst_simple /usr/lib/liveinit/liveinit /usr/bin/liveinit
    inst_hook cmdline 90 "$moddir/parse-liveinit.sh"
    if dracut_module_included "systemd-initrd"; then
        inst_simple "$moddir/liveinit.service" "$systemdsystemunitdir/liveinit.service"
        inst_script "$moddir/liveinit-generator.sh" "$systemdutildir/system-generators/dracut-liveinit-generator"
    else
        inst_hook mount 90 "$moddir/mount-liveinit.sh"
    fi
}
