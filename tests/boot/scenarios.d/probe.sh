# Prober bounds at boot (sourced by ../scenarios.sh): hostile disks that nobody names, attached before the medium
# so that they are probed while it is searched for.

# vda: an 800 MiB exFAT whose 24 root-directory clusters of 32 MiB are full of entries (a whole-cluster reader
# needs 768 MiB: "Out of memory" and a kernel panic in the 512 MiB guest); vdb: an ext4 labelled ESC [2J, newline,
# EVIL; vdc: the medium. The boot reaches the root, vda is identified within the read budget and vdb's label is
# printed escaped.
s_probe_hostile_disks() {
  local d; d=$(disk probe rescue.img); local l=$OUT/probe-hostile.log
  "$BOOT" "$l" "$TMO" 'archisobasedir=sysresccd archisolabel=RESCUE liveinit.debug' \
    -drive file="$MEDIA/hostile-exfat.qcow2",format=qcow2,if=virtio,readonly=on \
    -drive file="$MEDIA/escape-label.img",format=raw,if=virtio,readonly=on $(virtio "$d")
  expect boot/probe-hostile-exfat-bounded "$l" 'found /dev/vda: exfat UUID=C0FF-EE42 size 800 MiB' \
    'found /dev/vdb: ext4 LABEL="\\x1b\[2J\\x0aEVIL"' 'boot medium: /dev/vdc1: vfat LABEL="RESCUE"' \
    'LIVEINIT-ROOT-REACHED' 'LIVEINIT-ROOT-DONE'
  refuse boot/probe-hostile-no-oom-raw-label "$l" 'Out of memory' 'oom-kill' 'Kernel panic' '^EVIL'
}
