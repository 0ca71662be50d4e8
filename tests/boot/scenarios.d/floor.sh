# Boot at the floor (issue 10): the timings of a boot read back with `liveinit analyze` in the booted root, and
# only the drivers the boot needs loaded by LiveInit (storage and buses; a keyboard is left to the live
# system unless liveinit.coldplug=all), on the buses the other scenarios do not cover: NVMe, AHCI, virtio-scsi.
# Before an emergency shell the rest is loaded (a USB keyboard must work there).
# The root (qemu/media.d/floor.sh) prints ANALYZE-…, MODULE-LOADED <name> and the KMSG-timing lines.

# a USB keyboard: usbhid is in the default image but is no storage driver
floor_kbd() { echo "-device qemu-xhci,id=kx -device usb-kbd,bus=kx.0"; }

floor_analyze_ok() {  # name log: the analyze output has the kernel's time and every step of this boot
  expect "$1" "$2" 'ANALYZE-BEGIN' \
    'Startup finished in [0-9]+\.[0-9]{3}s \(kernel\) \+ [0-9]+\.[0-9]{3}s \(initramfs: liveinit\) = [0-9]+\.[0-9]{3}s' \
    '^ +[0-9.]+m?s start +at [0-9]+\.[0-9]{3}s  mounts, log' '^ +[0-9.]+m?s load-drivers +at ' \
    '^ +[0-9.]+m?s find-medium +at ' '^ +[0-9.]+m?s mount-image +at ' '^ +[0-9.]+m?s assemble-root +at ' \
    '^ +[0-9.]+m?s switch-root +at ' 'ANALYZE-EXIT=0' 'ANALYZE-END' \
    '^KMSG-timing: kernel to /init [0-9]+\.[0-9]{3} s' '^KMSG-timing: find-medium started at [0-9.]+ s, took [0-9]+ ms' \
    'LIVEINIT-ROOT-DONE'
}

s_floor_analyze_nvme() {
  local d; d=$(disk floornvme floor.img); local l=$OUT/floor-nvme.log
  "$BOOT" "$l" "$TMO" 'archisolabel=FLOOR' -drive if=none,id=m,format=raw,cache=unsafe,file="$d" \
    -device nvme,serial=floor1,drive=m $(floor_kbd)
  floor_analyze_ok floor/analyze-prints-the-kernel-and-every-step "$l"
  expect floor/nvme-medium-and-the-plans-modules "$l" 'boot medium: /dev/nvme0n1: ext4 LABEL="FLOOR"' \
    'MODULE-LOADED nvme$' 'MODULE-LOADED squashfs$' 'MODULE-LOADED overlay$' 'MODULE-LOADED loop$'
  refuse floor/keyboard-driver-left-to-the-live-system "$l" 'MODULE-LOADED usbhid$' 'input: QEMU QEMU USB Keyboard'
}

s_floor_coldplug_all_ahci() {
  local d; d=$(disk floorahci floor.img); local l=$OUT/floor-ahci.log
  "$BOOT" "$l" "$TMO" 'archisolabel=FLOOR liveinit.coldplug=all' -device ahci,id=ahci \
    -drive if=none,id=m,format=raw,cache=unsafe,file="$d" -device ide-hd,drive=m,bus=ahci.0 $(floor_kbd)
  expect floor/coldplug-all-loads-the-keyboard-driver-too "$l" 'boot medium: /dev/sda: ext4 LABEL="FLOOR"' \
    'MODULE-LOADED ahci$' 'MODULE-LOADED usbhid$' 'LIVEINIT-ROOT-DONE'
}

s_floor_virtio_scsi() {
  local d; d=$(disk floorscsi floor.img); local l=$OUT/floor-scsi.log
  "$BOOT" "$l" "$TMO" 'archisolabel=FLOOR' -device virtio-scsi-pci,id=scsi \
    -drive if=none,id=m,format=raw,cache=unsafe,file="$d" -device scsi-hd,drive=m,bus=scsi.0 $(floor_kbd)
  expect floor/virtio-scsi-medium "$l" 'boot medium: /dev/sda: ext4 LABEL="FLOOR"' 'MODULE-LOADED virtio_scsi$' \
    'MODULE-LOADED sd_mod$' 'LIVEINIT-ROOT-DONE'
  refuse floor/virtio-scsi-keyboard-driver-left "$l" 'MODULE-LOADED usbhid$'
}

s_floor_emergency_keyboard() {
  local d; d=$(disk floorkbd floor.img); local l=$OUT/floor-kbd.log
  "$BOOT" "$l" "$TMO" 'archisolabel=NOPE rootdelay=2' $(virtio "$d") $(floor_kbd)
  expect floor/emergency-shell-gets-the-usb-keyboard "$l" 'did not appear within 2 s' 'emergency shell started' \
    'input: QEMU QEMU USB Keyboard'
}
