using LiveInit.Native;

namespace LiveInit.Boot;

/// <summary>Mounting with the details the peers get wrong: the filesystem's module is loaded first,
/// ext2/ext3 fall back to the ext4 driver, FAT gets a UTF-8 charset, read-only media mount read-only.</summary>
public static class Mounts
{
    public static bool IsMountPoint(string path)
    {
        if (!Libc.TryStat(path, out var st) || !Libc.TryStat(Path.Combine(path, ".."), out var parent)) return false;
        return st.Dev != parent.Dev || st.Ino == parent.Ino;
    }

    /// <summary>The mount option that keeps a read-only mount from writing to the device: no journal or log
    /// replay (ext3/ext4 noload, xfs and f2fs norecovery, btrfs nologreplay). Null where a read-only mount
    /// writes nothing anyway.</summary>
    public static string? NoReplayOption(string fsType) => fsType switch
    {
        "ext3" or "ext4" or "jbd" => "noload",
        "xfs" or "f2fs" => "norecovery",
        "btrfs" => "rescue=nologreplay",
        _ => null,
    };

    /// <summary>Mounts a device nobody named, only to look for a file on it: read-only, and without replaying a
    /// journal (which would write to it even on a read-only mount). A filesystem that cannot be mounted that way
    /// is not looked into. Promote the one chosen with <see cref="Promote"/>.</summary>
    public static void MountToLook(BootContext ctx, string device, string fsType, string target)
    {
        var noReplay = NoReplayOption(fsType);
        MountDevice(ctx, device, fsType, target, readOnly: true, noReplay);
    }

    /// <summary>The device chosen by a search: mounted again as a device in use (read-only, journal replayed),
    /// so that a step that writes to it can remount it read-write. Nothing may hold the look-only mount.</summary>
    public static void Promote(BootContext ctx, string device, string fsType, string target)
    {
        if (NoReplayOption(fsType) is null) return;
        Libc.Umount(target);
        MountDevice(ctx, device, fsType, target, readOnly: true);
    }

    /// <summary>Mounts a block device whose type the prober found.</summary>
    public static void MountDevice(BootContext ctx, string device, string fsType, string target, bool readOnly,
        string? extraOptions = null)
    {
        Libc.MkdirAll(target);
        var types = fsType switch
        {
            "ext2" or "ext3" => new[] { fsType, "ext4" },
            "squashfs3" => ["squashfs"],
            "ntfs" => ["ntfs3", "ntfs"],   // the kernel's read-write driver, where it has it
            _ => [fsType],
        };
        var options = extraOptions is null or "defaults" ? null : extraOptions;
        // UTF-8 file names: vfat through its utf8 option (iocharset=utf8 would make it case-sensitive)
        var charset = fsType == "vfat" ? "utf8" : "iocharset=utf8";
        if (fsType is "vfat" or "exfat" or "iso9660" && (options is null || !options.Contains("iocharset")))
            options = options is null ? charset : options + "," + charset;
        var flags = readOnly ? Libc.MS_RDONLY : 0;
        var last = 0;
        foreach (var t in types)
        {
            ctx.EnsureFilesystem(t);
            last = Libc.TryMount(device, target, t, flags, options);
            if (last == 0) return;
            if (last == Errno.EINVAL && options is not null && options.Contains(charset))
            {
                // a kernel without nls_utf8: the default charset still reads ASCII names
                var fewer = string.Join(',', options.Split(',').Where(o => o != charset));
                last = Libc.TryMount(device, target, t, flags, fewer.Length > 0 ? fewer : null);
                if (last == 0) return;
            }
            if (last == Errno.EACCES && !readOnly || last == Errno.EROFS && !readOnly)
            {
                last = Libc.TryMount(device, target, t, flags | Libc.MS_RDONLY, options);
                if (last == 0) { ctx.Log.Warn($"{device} is read-only; mounted it read-only at {target}"); return; }
            }
            if (last != Errno.ENODEV) break;
        }
        throw new NativeException("mount", $"{device} on {target} ({fsType})", last);
    }

    public static void MountTmpfs(string target, string options)
    {
        Libc.MkdirAll(target);
        Libc.Mount("tmpfs", target, "tmpfs", Libc.MS_NOSUID | Libc.MS_NODEV, options);
    }

    /// <summary>Attaches an image file to a loop device and mounts it (type from the prober).</summary>
    public static string MountImage(BootContext ctx, string file, string target, bool readOnly, string? expectType = null)
    {
        ctx.AwaitPlanModules();   // loop, squashfs, overlay: queued behind the storage drivers
        using var attached = Devices.LoopDevice.Attach(file, readOnly);
        return MountAttached(ctx, attached, file, target, readOnly, expectType);
    }

    /// <summary>Attaches an image opened by the confined opener (its descriptor, not its path) and mounts it.</summary>
    public static string MountImage(BootContext ctx, Media.ConfinedFile file, string target, bool readOnly, string? expectType = null)
    {
        ctx.AwaitPlanModules();   // loop, squashfs, overlay: queued behind the storage drivers
        using var attached = Devices.LoopDevice.Attach(file, readOnly);
        return MountAttached(ctx, attached, file.Where, target, readOnly, expectType);
    }

    private static string MountAttached(BootContext ctx, Devices.AttachedLoop attached, string file, string target, bool readOnly,
        string? expectType)
    {
        var loop = attached.Path;
        string? type;
        using (var src = new Probe.FileProbeSource(loop)) type = Probe.Prober.ProbeFilesystem(src).Get("TYPE");
        if (type is null)
            throw new BootFailure($"{file} holds no filesystem LiveInit recognises (corrupt or incomplete copy?). Copy the file to the medium again and check its checksum.");
        if (expectType is not null && type != expectType && !(expectType == "squashfs" && type == "erofs"))
            throw new BootFailure($"{file} is {type}, not {expectType}");
        MountDevice(ctx, loop, type, target, readOnly);
        return loop;
    }

    /// <summary>Filesystems on which overlayfs cannot keep an upper directory (no POSIX semantics).</summary>
    public static bool CanHoldUpper(string fsType) => fsType is not ("vfat" or "exfat" or "ntfs" or "ntfs3" or "iso9660" or "udf" or "squashfs" or "erofs");
}
