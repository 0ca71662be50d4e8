# bash completion for liveinit(8)
_liveinit()
{
    local cur prev words cword
    _init_completion || return

    local commands="explain probe mkinitramfs analyze boot --help --version"
    if [[ $cword -eq 1 ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return
    fi

    case $prev in
        --format)
            case ${words[1]} in
                explain) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
                probe) COMPREPLY=($(compgen -W "export json" -- "$cur")) ;;
            esac
            return ;;
        --emergency) COMPREPLY=($(compgen -W "shell reboot poweroff" -- "$cur")); return ;;
        --compress-modules) COMPREPLY=($(compgen -W "xz" -- "$cur")); return ;;
        --compress) COMPREPLY=($(compgen -W "zstd gzip lz4 xz none" -- "$cur")); return ;;
        --modules-root | --sysroot) _filedir -d; return ;;
        --kernel-release)
            COMPREPLY=($(compgen -W "$(command ls /lib/modules 2>/dev/null)" -- "$cur")); return ;;
        --output | --busybox | --agent | --initramfs-config) _filedir; return ;;
        --module)
            local kver=$(uname -r)
            COMPREPLY=($(compgen -W "$(command find /lib/modules/"$kver" -name '*.ko*' -printf '%f\n' 2>/dev/null \
                | sed 's/\.ko.*//')" -- "$cur"))
            return ;;
        --cmdline) return ;;
    esac

    local opts=""
    case ${words[1]} in
        explain) opts="--cmdline --format --initramfs-config" ;;
        probe) opts="--format" ;;
        mkinitramfs)
            opts="--modules-root --kernel-release --output --busybox --no-busybox --module --compress-modules
                  --emergency --agent --no-shell --compress --agent-early --extra-module --net --tls --ca-cert
                  --trust-key --allow-unsigned --autooverlay --overlay-crypt" ;;
        analyze) opts="blame time --file" ;;
        boot) opts="--cmdline --sysroot --no-switch-root" ;;
    esac
    if [[ $cur == -* || ${words[1]} != probe ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        # probe: block devices and image files
        _filedir
        [[ $cur == /dev/* || -z $cur ]] && COMPREPLY+=($(compgen -W "$(command ls -d /dev/[hsv]d* /dev/nvme* \
            /dev/loop* /dev/sr* /dev/mmcblk* 2>/dev/null)" -- "$cur"))
    fi
} &&
    complete -F _liveinit liveinit

# ex: filetype=sh
