using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>dracut-ng's overlay over a normal root: the root device, mounted read-only at
/// <see cref="OverlayRootPlan.RootBase"/> by <see cref="FindMedium"/>, is the overlay's only lower layer; with
/// <c>rd.overlay=0</c> it becomes the root itself (bound at the new root, remounted read-write with
/// <c>rw</c>).</summary>
public sealed class UseRootDevice(OverlayRootPlan plan, string rootBase, string newRoot) : BootStep
{
    public override string Describe() => plan.Overlay
        ? $"use the root device mounted at {rootBase} as the overlay's lower layer"
        : $"no overlay (rd.overlay=0): bind {rootBase} at {newRoot}"
          + (plan.ReadWrite ? ", read-write (rw)" : ", read-only");

    public override void Run(BootContext ctx)
    {
        if (plan.Overlay)
        {
            ctx.Image = new MountedImage(rootBase, rootBase, rootBase, null);
            ctx.Log.Info($"root device at {rootBase} is the lower layer of the overlay root");
            return;
        }
        Libc.MkdirAll(newRoot);
        var rw = plan.ReadWrite;
        if (rw && Libc.TryMount(null, rootBase, null, Libc.MS_REMOUNT, null) is var err and not 0)
        {
            ctx.Log.Warn($"rw: cannot remount {rootBase} read-write ({Errno.Describe(err)}); the root stays read-only");
            rw = false;
        }
        try { Libc.Mount(rootBase, newRoot, null, Libc.MS_BIND, null); }
        catch (NativeException e)
        {
            throw new BootFailure($"cannot use {rootBase} as the root at {newRoot}: {e.Message}");
        }
        ctx.Log.Info($"rd.overlay=0: the root device is the root ({(rw ? "read-write" : "read-only")})");
    }
}
