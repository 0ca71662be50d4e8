# Shared by mkiso.sh and mkusb.sh (sourced, not run): the options, the SystemRescue-style file tree and the
# boot menus (GRUB's grub.cfg, isolinux.cfg/syslinux.cfg) with the same four entries:
#   default      archisobasedir=sysresccd archisolabel=<LABEL>
#   copytoram    ... copytoram
#   persistence  ... cow_label=<COW LABEL>
#   modules      ... loadsrm
# Every entry also carries console=tty0 console=ttyS0,115200 (the serial port last: /dev/console) and both
# loaders print their menu on the serial port too (--no-serial: screen only).

MENU_IDS="default copytoram persistence modules"
KERNEL_PATH=/sysresccd/boot/x86_64/vmlinuz
INITRD_PATH=/sysresccd/boot/x86_64/sysresccd.img

bm_usage() {
  cat >&2 <<EOF
usage: $(basename "$0") --output FILE --kernel VMLINUZ --initrd INITRD --rootfs AIROOTFS.SFS [options]
  --srm FILE            an SRM module copied to sysresccd/ (repeatable; the "modules" entry loads them)
  --sha512 FILE         airootfs.sha512 copied next to the image
  --label LABEL         volume label, also archisolabel= in every entry (default: LIVEINIT)
  --cow-label LABEL     cow_label= of the "persistence" entry (default: "my persist")
  --default ENTRY       the entry booted after the timeout: $MENU_IDS (default: default)
  --timeout SECONDS     menu timeout (default: 2)
  --no-serial           no console= parameters and no serial output of the loaders (screen only)
${BM_EXTRA_USAGE:-}
EOF
  exit 2
}

# bm_parse "$@": sets OUTPUT KERNEL INITRD ROOTFS SRMS SHA512 LABEL COW_LABEL DEFAULT TIMEOUT SERIAL;
# options it does not know are handed to bm_extra_option NAME VALUE (defined by the caller) when it exists
bm_parse() {
  OUTPUT= KERNEL= INITRD= ROOTFS= SHA512= SRMS=() LABEL=LIVEINIT COW_LABEL="my persist" DEFAULT=default
  TIMEOUT=2 SERIAL=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --output) OUTPUT=${2:?}; shift 2 ;;
      --kernel) KERNEL=${2:?}; shift 2 ;;
      --initrd) INITRD=${2:?}; shift 2 ;;
      --rootfs) ROOTFS=${2:?}; shift 2 ;;
      --srm) SRMS+=("${2:?}"); shift 2 ;;
      --sha512) SHA512=${2:?}; shift 2 ;;
      --label) LABEL=${2:?}; shift 2 ;;
      --cow-label) COW_LABEL=${2:?}; shift 2 ;;
      --default) DEFAULT=${2:?}; shift 2 ;;
      --timeout) TIMEOUT=${2:?}; shift 2 ;;
      --no-serial) SERIAL=0; shift ;;
      -h|--help) bm_usage ;;
      *) if declare -F bm_extra_option >/dev/null && [ $# -ge 2 ] && bm_extra_option "$1" "$2"; then shift 2
         else echo "$(basename "$0"): unknown option $1" >&2; bm_usage; fi ;;
    esac
  done
  [ -n "$OUTPUT" ] && [ -n "$KERNEL" ] && [ -n "$INITRD" ] && [ -n "$ROOTFS" ] || bm_usage
  local f; for f in "$KERNEL" "$INITRD" "$ROOTFS" ${SHA512:+"$SHA512"} ${SRMS[@]+"${SRMS[@]}"}; do
    [ -f "$f" ] || { echo "$(basename "$0"): $f: no such file" >&2; exit 1; }
  done
  case " $MENU_IDS " in
    *" $DEFAULT "*) ;;
    *) echo "$(basename "$0"): --default $DEFAULT: one of $MENU_IDS" >&2; exit 2 ;;
  esac
  [[ "$TIMEOUT" =~ ^[0-9]+$ ]] || { echo "$(basename "$0"): --timeout $TIMEOUT: whole seconds" >&2; exit 2; }
  # the label goes unquoted into menus and onto the kernel command line: letters, digits, _ and - only
  [[ "$LABEL" =~ ^[A-Za-z0-9_-]{1,11}$ ]] \
    || { echo "$(basename "$0"): --label $LABEL: 1-11 of A-Z a-z 0-9 _ - (a FAT label holds 11)" >&2; exit 2; }
  [[ "$COW_LABEL" =~ ^[A-Za-z0-9_\ -]{1,16}$ ]] \
    || { echo "$(basename "$0"): --cow-label $COW_LABEL: 1-16 of A-Z a-z 0-9 _ - and spaces" >&2; exit 2; }
}

# the kernel parameters of one entry (one line; a label with spaces is quoted the kernel's way: "key=a b")
bm_params() {
  local p="archisobasedir=sysresccd archisolabel=$LABEL"
  case "$1" in
    copytoram) p="$p copytoram" ;;
    persistence) case "$COW_LABEL" in
                   *" "*) p="$p \"cow_label=$COW_LABEL\"" ;;
                   *) p="$p cow_label=$COW_LABEL" ;;
                 esac ;;
    modules) p="$p loadsrm" ;;
  esac
  [ "$SERIAL" = 1 ] && p="$p console=tty0 console=ttyS0,115200"
  echo "$p"
}

bm_title() {  # short enough for isolinux's menu and for GRUB's "Booting `...'" on one 80-column line
  case "$1" in
    default) echo "Boot LiveInit using default options" ;;
    copytoram) echo "Boot LiveInit and copy it to RAM (copytoram)" ;;
    persistence) echo "Boot LiveInit with persistence (cow_label)" ;;
    modules) echo "Boot LiveInit and load the SRM modules (loadsrm)" ;;
  esac
}

# bm_tree DIR: the live files in SystemRescue's layout
bm_tree() {
  local t=$1
  mkdir -p "$t/sysresccd/boot/x86_64" "$t/sysresccd/x86_64"
  cp "$KERNEL" "$t$KERNEL_PATH"; cp "$INITRD" "$t$INITRD_PATH"
  cp "$ROOTFS" "$t/sysresccd/x86_64/airootfs.sfs"
  [ -z "$SHA512" ] || cp "$SHA512" "$t/sysresccd/x86_64/airootfs.sha512"
  local s; for s in ${SRMS[@]+"${SRMS[@]}"}; do cp "$s" "$t/sysresccd/"; done
}

# bm_grub_cfg FILE: the GRUB menu (BIOS and UEFI read the same file)
bm_grub_cfg() {
  local id
  {
    echo "# LiveInit boot menu for GRUB (BIOS and UEFI); made by $(basename "$0")"
    if [ "$SERIAL" = 1 ]; then
      echo "serial --unit=0 --speed=115200"
      echo "terminal_input serial console"
      echo "terminal_output serial console"
    fi
    echo "set default=$DEFAULT"
    echo "set timeout=$TIMEOUT"
    echo "set timeout_style=menu"
    for id in $MENU_IDS; do
      echo
      echo "menuentry \"$(bm_title "$id")\" --id $id {"
      # GRUB 2.06 drops the script's quotes and puts an argument holding a space back in double quotes
      # ("cow_label=my persist" reaches the kernel as it is written here); it escapes other quotes
      echo "    linux $KERNEL_PATH $(bm_params "$id")"
      echo "    initrd $INITRD_PATH"
      echo "}"
    done
  } >"$1"
}

# bm_syslinux_cfg FILE: the same menu for isolinux (isolinux.cfg) and syslinux (syslinux.cfg)
bm_syslinux_cfg() {
  local id
  {
    echo "# LiveInit boot menu for isolinux/syslinux; made by $(basename "$0")"
    [ "$SERIAL" = 1 ] && echo "SERIAL 0 115200"
    echo "UI menu.c32"
    echo "MENU TITLE LiveInit ($LABEL)"
    echo "DEFAULT $DEFAULT"
    echo "TIMEOUT $((TIMEOUT > 0 ? TIMEOUT * 10 : 1))"   # tenths of a second; 0 would wait for ever
    for id in $MENU_IDS; do
      echo
      echo "LABEL $id"
      echo "    MENU LABEL $(bm_title "$id")"
      echo "    LINUX $KERNEL_PATH"
      echo "    INITRD $INITRD_PATH"
      echo "    APPEND $(bm_params "$id")"
    done
  } >"$1"
}

# the syslinux modules menu.c32 needs (BIOS)
SYSLINUX_MODULES=/usr/lib/syslinux/modules/bios
bm_syslinux_modules() {  # DIR
  local m; for m in ldlinux.c32 menu.c32 libutil.c32 libcom32.c32; do cp "$SYSLINUX_MODULES/$m" "$1/"; done
}

# GRUB core images with the modules they need built in and an early config that finds the medium by its
# label and reads /boot/grub/grub.cfg from it (no module directory on the medium)
GRUB_MODULES="part_msdos part_gpt iso9660 fat normal linux search search_label search_fs_file configfile echo
              test serial terminal gzio"
bm_grub_early_cfg() {  # FILE
  {
    if [ "$SERIAL" = 1 ]; then
      echo "serial --unit=0 --speed=115200"
      echo "terminal_input serial console"
      echo "terminal_output serial console"
    fi
    echo "search --no-floppy --set=root --label $LABEL"
    echo 'set prefix=($root)/boot/grub'
  } >"$1"
}
bm_grub_efi() {  # EARLY_CFG OUTPUT: EFI/BOOT/BOOTX64.EFI
  grub-mkimage -O x86_64-efi -p /boot/grub -c "$1" -o "$2" $GRUB_MODULES efi_gop efi_uga
}
bm_grub_bios_eltorito() {  # EARLY_CFG OUTPUT: an El Torito no-emulation image (cdboot.img + core)
  grub-mkimage -O i386-pc-eltorito -p /boot/grub -c "$1" -o "$2" $GRUB_MODULES biosdisk
}
# an ESP image (FAT) holding EFI/BOOT/BOOTX64.EFI
bm_efi_image() {  # BOOTX64.EFI OUTPUT
  local kib=$(( ($(stat -c %s "$1") / 1024 + 512) ))
  rm -f "$2"; mkfs.vfat -C -n EFIBOOT "$2" "$kib" >/dev/null
  mmd -i "$2" ::/EFI ::/EFI/BOOT
  mcopy -i "$2" "$1" ::/EFI/BOOT/BOOTX64.EFI
}
