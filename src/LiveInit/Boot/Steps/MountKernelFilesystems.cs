using LiveInit.Native;

namespace LiveInit.Boot.Steps;

/// <summary>/proc, /sys, /dev (devtmpfs) and /run (tmpfs, 0755), each unless already mounted.</summary>
public sealed class MountKernelFilesystems : BootStep
{
    private static readonly (string Target, string Type, ulong Flags, string? Options)[] Table =
    [
        ("/proc", "proc", Libc.MS_NOSUID | Libc.MS_NODEV | Libc.MS_NOEXEC, null),
        ("/sys", "sysfs", Libc.MS_NOSUID | Libc.MS_NODEV | Libc.MS_NOEXEC, null),
        ("/dev", "devtmpfs", Libc.MS_NOSUID, "mode=0755"),
        ("/run", "tmpfs", Libc.MS_NOSUID | Libc.MS_NODEV, "mode=0755"),
    ];

    public override string Describe() => "mount /proc, /sys, /dev (devtmpfs) and /run (tmpfs) unless present";

    public override void Run(BootContext ctx) => MountAll();

    /// <summary>Also called before anything else so that /dev/kmsg exists for the log.</summary>
    public static void MountAll()
    {
        foreach (var (target, type, flags, options) in Table)
        {
            Libc.MkdirAll(target);
            if (Mounts.IsMountPoint(target)) continue;
            var err = Libc.TryMount(type, target, type, flags, options);
            if (err != 0 && err != Errno.EBUSY) throw new NativeException("mount", $"{type} on {target}", err);
        }
    }
}
