using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>Mounts the new root at /sysroot: overlayfs of the lower layers (SRMs above the image) and the
/// writable layer. If a persistent upper is refused by overlayfs, the root is assembled in RAM instead.</summary>
public sealed class AssembleRoot(WritableLayer layer) : BootStep
{
    public override string Describe() => $"mount overlayfs at {BootContext.NewRoot}: lowerdir = SRMs (if any) above the image, upperdir/workdir from the writable layer";

    public override void Run(BootContext ctx)
    {
        if (ctx.InnerRootfs is not null)
        {
            const string baseMount = "/run/liveinit/rootfs-base";
            try { Mounts.MountImage(ctx, ctx.InnerRootfs, baseMount, readOnly: true); }
            catch (NativeException e) { throw new BootFailure($"cannot mount {ctx.InnerRootfs}: {e.Message}", e); }
            ctx.LowerDirs.Add(baseMount);
            ctx.Log.Info($"{ctx.InnerRootfs} mounted read-only at {baseMount}; overlayfs keeps the changes");
        }
        if (ctx.LowerDirs.Count == 0) throw new BootFailure("nothing to build the root from (no image was mounted)");
        Libc.MkdirAll(BootContext.NewRoot);
        var err = TryOverlay(ctx);
        if (err != 0 && !(ctx.UpperDir ?? "").StartsWith(PrepareWritable.RamCow, StringComparison.Ordinal)
                     && !(ctx.UpperDir ?? "").StartsWith(PrepareWritable.ArchisoCow, StringComparison.Ordinal))
        {
            ctx.Log.Warn($"overlayfs refused the persistent upper {ctx.UpperDir} ({Errno.Describe(err)}); booting with changes in RAM only");
            PrepareWritable.Ram(ctx, layer.RamSize);
            err = TryOverlay(ctx);
        }
        if (err != 0)
            throw new BootFailure($"mounting the overlay root failed: {Errno.Describe(err)} (lowerdir={string.Join(':', ctx.LowerDirs)}, upperdir={ctx.UpperDir}). Is the overlay module in the initramfs?");
        ctx.Log.Info($"root assembled: overlay of {string.Join(" over ", ctx.LowerDirs)} with changes in {ctx.UpperDir}");
    }

    private static int TryOverlay(BootContext ctx) =>
        Libc.TryMount("overlay", BootContext.NewRoot, "overlay", 0,
            $"lowerdir={string.Join(':', ctx.LowerDirs)},upperdir={ctx.UpperDir},workdir={ctx.WorkDir}");
}
