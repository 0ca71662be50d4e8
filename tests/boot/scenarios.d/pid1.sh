# PID 1 faults (README "Faults (PID 1)"): PID 1 never panics, never hangs, never runs out of memory, and
# fails closed. Media from qemu/media.d/pid1.sh. (sourced by ../scenarios.sh)

# a medium nobody writes to: attached read-only, shared by the scenarios without a copy
pid1_ro_disk() { echo "-drive file=$MEDIA/$1,format=raw,if=virtio,readonly=on"; }

s_pid1_bad_init() {
  local l=$OUT/pid1-init-noexec.log
  "$BOOT" "$l" "$TMO" 'archisolabel=PID1TEST init=/etc/hostname' $(pid1_ro_disk pid1.img)
  expect pid1/init-not-executable-falls-back "$l" 'init=/etc/hostname is not executable \(mode 0644\); trying /sbin/init' \
    'LIVEINIT-ROOT-REACHED' 'LIVEINIT-ROOT-DONE'
  refuse pid1/init-not-executable-no-panic "$l" 'Attempted to kill init' 'Kernel panic' 'emergency shell started' 'INITRAMFS-LEFTOVER'
  l=$OUT/pid1-init-missing.log
  "$BOOT" "$l" "$TMO" 'archisolabel=PID1TEST init=/nonexistent' $(pid1_ro_disk pid1.img)
  expect pid1/init-missing-falls-back "$l" 'init=/nonexistent does not exist; trying /sbin/init' 'LIVEINIT-ROOT-REACHED'
  refuse pid1/init-missing-no-panic "$l" 'Attempted to kill init' 'Kernel panic' 'emergency shell started'
}

s_pid1_init_exec_fails() {
  # passes the checks (an ELF header), fails at execve after the initramfs is gone: the next good candidate runs
  local l=$OUT/pid1-init-enoexec.log
  "$BOOT" "$l" "$TMO" 'archisolabel=PID1TEST init=/sbin/broken-elf' $(pid1_ro_disk pid1.img)
  expect pid1/init-execve-fails-next-candidate "$l" 'exec /sbin/broken-elf failed: ENOEXEC' 'LIVEINIT-ROOT-REACHED'
  refuse pid1/init-execve-fails-no-panic "$l" 'Attempted to kill init' 'Kernel panic'
}

s_pid1_no_init() {
  # no candidate at all: the boot fails before the initramfs is deleted, so its emergency shell still starts
  local l=$OUT/pid1-noinit.log
  "$BOOT" "$l" "$TMO" 'archisolabel=PID1TEST archisobasedir=noinit' $(pid1_ro_disk pid1.img)
  expect pid1/no-init-fails-before-deleting-initramfs "$l" 'the new root has no init that can run: /sbin/init does not exist' \
    'emergency shell started'
  refuse pid1/no-init-no-panic "$l" 'Attempted to kill init' 'LIVEINIT-ROOT-REACHED'
}

s_pid1_copytoram_too_big() {
  local l=$OUT/pid1-bigram.log
  "$BOOT" "$l" "$TMO" 'archisolabel=BIGRAM copytoram=y' $(pid1_ro_disk bigram.img)
  expect pid1/copytoram-over-budget-boots-from-medium "$l" \
    'not copying .*airootfs.sfs to RAM: 640 MiB image \+ 256 MiB margin > [0-9]+ MiB available; booting from the medium' \
    'image /run/archiso/bootmnt/arch/x86_64/airootfs.sfs mounted' 'LIVEINIT-ROOT-REACHED'
  refuse pid1/copytoram-over-budget-no-oom "$l" 'Out of memory' 'Kernel panic' 'emergency shell started' 'copying .* to RAM$'
}

s_pid1_copytoram_io_error() {
  # a bad sector in the middle of the image (QEMU blkdebug): the copy fails, is undone, the boot goes on
  local l=$OUT/pid1-eio.log
  "$BOOT" "$l" "$TMO" 'archisolabel=PID1TEST copytoram=y' \
    -drive "file=blkdebug:$MEDIA/pid1-eio.blkdebug:$MEDIA/pid1.img,format=raw,if=virtio,readonly=on"
  expect pid1/copytoram-io-error-boots-from-medium "$l" 'copying /run/archiso/bootmnt/arch/x86_64/airootfs.sfs \([0-9]+ MiB\) to RAM' \
    'I/O error, dev vda' \
    'copying .*airootfs.sfs to RAM failed \(.*Input/output error.*\); removed the partial copy, booting from the medium' \
    'image /run/archiso/bootmnt/arch/x86_64/airootfs.sfs mounted' 'LIVEINIT-ROOT-REACHED' 'LIVEINIT-ROOT-DONE'
  refuse pid1/copytoram-io-error-no-shell "$l" 'emergency shell started' 'cannot unmount /run/liveinit/copytoram'
}

s_pid1_rd_shell_0() {
  local l=$OUT/pid1-rdshell0.log
  "$BOOT" "$l" "$TMO" 'archisolabel=NOPE rootdelay=2 rd.shell=0' $(pid1_ro_disk spacelabel.img)
  expect pid1/rd-shell-0-powers-off "$l" 'did not appear within 2 s' 'failure: +poweroff \(rd.shell=0\)' \
    'Powering off \(rd.shell=0\)' 'reboot: Power down'
  refuse pid1/rd-shell-0-no-shell "$l" 'emergency shell started' 'Starting the emergency shell'
}

s_pid1_emergency_typo() {
  local l=$OUT/pid1-typo.log
  "$BOOT" "$l" "$TMO" 'archisolabel=NOPE rootdelay=2 liveinit.emergency=typo rd.emergency=poweroff' $(pid1_ro_disk spacelabel.img)
  expect pid1/emergency-typo-never-weakens "$l" "liveinit.emergency: 'typo' is not one of shell, reboot, poweroff" \
    'Powering off \(rd.emergency=poweroff\)' 'reboot: Power down'
  refuse pid1/emergency-typo-no-shell "$l" 'emergency shell started'
}

s_pid1_image_policy() {
  # an initramfs built with --emergency reboot: the command line asks for a shell and does not get one
  local m i=$OUT/initrd-reboot.img l=$OUT/pid1-image-reboot.log
  m=$(bash "$HERE/../../qemu/kernel.sh" | sed -n 's/^MODULES=//p')
  "$HERE/../../artifacts/liveinit" mkinitramfs --modules-root "$m" --output "$i" --emergency reboot >/dev/null
  INITRD=$i "$BOOT" "$l" "$TMO" 'archisolabel=NOPE rootdelay=2 rd.emergency=shell rd.shell' $(pid1_ro_disk spacelabel.img)
  expect pid1/image-emergency-reboot-cannot-be-weakened "$l" 'rd.emergency=shell is overridden by initramfs' \
    'Rebooting in 10 seconds \(initramfs /etc/liveinit/initramfs.conf: emergency=reboot\)' 'reboot: Restarting system'
  refuse pid1/image-emergency-reboot-no-shell "$l" 'emergency shell started'
}
