using LiveInit.Native;

namespace LiveInit.Boot.Writable;

/// <summary>A mount a writable strategy made, or a mount it made read-write (<see cref="RemountedOnly"/>: the boot
/// medium), so that a fallback can undo exactly that and nothing else.</summary>
public sealed record HeldMount(string MountPoint, bool RemountedOnly = false)
{
    /// <summary>Unmounts (lazily when busy), or makes the remounted medium read-only again.</summary>
    public void Release(BootContext ctx)
    {
        if (RemountedOnly)
        {
            var e = Libc.TryMount(null, MountPoint, null, Libc.MS_REMOUNT | Libc.MS_RDONLY, null);
            if (e != 0) ctx.Log.Detail($"{MountPoint} stays read-write ({Errno.Describe(e)})");
            return;
        }
        var err = Libc.TryUmount(MountPoint);
        if (err == Errno.EBUSY) err = Libc.TryUmount(MountPoint, Libc.MNT_DETACH);
        if (err != 0 && err != Errno.EINVAL) ctx.Log.Warn($"cannot unmount {MountPoint}: {Errno.Describe(err)}");
    }

    public static void ReleaseAll(BootContext ctx, IEnumerable<HeldMount> mounts)
    {
        foreach (var m in mounts.Reverse()) m.Release(ctx);
    }
}
