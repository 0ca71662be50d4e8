using LiveInit.Boot.Writable;
using LiveInit.Devices;
using LiveInit.Devices.DeviceMapper;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>Mounts the new root: overlayfs of the lower layers (a read-only persistent layer, SRMs, the image or
/// its inner ext image) with the writable layer's upper, or a dm-snapshot of the inner ext image with the writable
/// layer's COW. When the persistent layer cannot be used here (overlayfs refuses the upper, the COW is invalid), it
/// is released and the root is assembled with the RAM layer of the plan instead.</summary>
public sealed class AssembleRoot(ImagePlan image, WritableLayer layer, string newRoot) : BootStep
{
    public const string SnapshotName = "live-rw";

    public override string Describe() =>
        $"mount overlayfs at {newRoot}: lowerdir = SRMs (if any) above the image, upperdir/workdir from the writable "
        + "layer"
        + (image.InnerRootfsImages.Count > 0 ? $" (an inner ext image is mounted read-only at {image.InnerMountPoint})" : "")
        + (WritableStrategy.For(layer).SnapshotsInnerImage
            ? $"; when the image holds an ext image and the layer is a COW file: /dev/mapper/{SnapshotName} "
              + "(dm-snapshot) instead"
            : "");

    public override void Run(BootContext ctx)
    {
        var img = ctx.Image ?? throw new BootFailure("nothing to build the root from (no image was mounted)");
        var w = ctx.Writable ?? throw new BootFailure("no writable layer was prepared");
        try
        {
            if (w.IsSnapshot)
            {
                w = SnapshotRoot(ctx, img, w);
                ctx.Writable = w;
                if (w.IsSnapshot) return;
            }
            var lowest = BaseLayer(ctx, img);
            Libc.MkdirAll(newRoot);
            var err = TryOverlay(ctx, w, lowest);
            if (err != 0 && w.IsPersistent)
            {
                ctx.Log.Warn($"overlayfs refused the persistent upper {w.UpperDir} ({Errno.Describe(err)}); "
                             + "booting with changes in RAM only");
                w.Release(ctx);
                w = RamUpperStrategy.Overlay(ctx, layer.Ram);
                ctx.Writable = w;
                err = TryOverlay(ctx, w, lowest);
            }
            if (err != 0)
                throw new BootFailure($"mounting the overlay root failed: {Errno.Describe(err)} "
                                      + $"({Options(ctx, w, lowest)}). Is the overlay module in the initramfs?");
            ctx.Log.Info($"root assembled: overlay of {string.Join(" over ", Lower(ctx, w, lowest))} "
                         + $"with changes in {w.Description}");
        }
        finally { img.InnerRootfs?.Dispose(); }
    }

    /// <summary>The lowest layer: the image's tree, or its inner ext image mounted read-only (by its
    /// descriptor).</summary>
    private string BaseLayer(BootContext ctx, MountedImage img)
    {
        if (img.LowerDir is not null) return img.LowerDir;
        var inner = img.InnerRootfs
                    ?? throw new BootFailure($"{img.File} has neither a tree nor an inner ext image to use");
        ctx.EnsureMountTree(image.InnerMountPoint);
        try { Mounts.MountImage(ctx, inner, image.InnerMountPoint, readOnly: true); }
        catch (NativeException e) { throw new BootFailure($"cannot mount {inner.Where}: {e.Message}", e); }
        ctx.Log.Info($"{inner.Where} mounted read-only at {image.InnerMountPoint}; overlayfs keeps the changes");
        return image.InnerMountPoint;
    }

    /// <summary>Topmost first: a read-only persistent layer, the SRMs, the image.</summary>
    private static List<string> Lower(BootContext ctx, WritableResult w, string lowest) =>
        [.. w.LowerDirs, .. ctx.SrmLayers, lowest];

    private static string Options(BootContext ctx, WritableResult w, string lowest) =>
        OverlayOptions.Build(Lower(ctx, w, lowest), w.UpperDir, w.WorkDir);

    private int TryOverlay(BootContext ctx, WritableResult w, string lowest) =>
        Libc.TryMount("overlay", newRoot, "overlay", 0, Options(ctx, w, lowest));

    /// <summary>dm-snapshot root (Fedora LiveOS, archiso DM mode): the inner ext image read-only as origin, the COW
    /// file as exception store (both given to loop devices by descriptor), <c>/dev/mapper/live-rw</c> mounted
    /// read-write. A persistent COW the kernel marks invalid (it filled up) is left untouched and the boot goes on
    /// with a COW in RAM; without device-mapper snapshots, with overlayfs in RAM. Returns the layer in use.</summary>
    private WritableResult SnapshotRoot(BootContext ctx, MountedImage img, WritableResult w)
    {
        var inner = img.InnerRootfs!;
        ctx.Modules?.Load("dm_snapshot", quietIfUnknown: true);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                string node, status;
                using (var origin = LoopDevice.Attach(inner, readOnly: true))
                using (var cow = LoopDevice.Attach(w.Cow!, readOnly: false))
                {
                    var target = SnapshotTarget.Create(DmDevice.DevNumber(origin.Path), DmDevice.DevNumber(cow.Path),
                        (ulong)inner.Length / 512, w.IsPersistent);
                    node = DmDevice.Create(SnapshotName, [target]);
                }
                status = DmDevice.Status(SnapshotName);
                if (status.Contains("Invalid", StringComparison.Ordinal))   // the catch below removes the device
                    throw new BootFailure($"the snapshot over {w.Cow!.Where} is marked Invalid (its COW space "
                                          + "ran out)");
                string? type;
                using (var src = new Probe.FileProbeSource(node)) type = Probe.Prober.ProbeFilesystem(src).Get("TYPE");
                Libc.MkdirAll(newRoot);
                Mounts.MountDevice(ctx, node, type ?? "ext4", newRoot, readOnly: false);
                ctx.Log.Info($"root assembled: {node} = snapshot of {inner.Where} with "
                             + $"{(w.IsPersistent ? "persistent" : "RAM")} COW {w.Cow!.Where} ({status})");
                w.Dispose();   // the loop device keeps the file
                return w;
            }
            catch (Exception e) when (e is IOException or BootFailure)
            {
                try { DmDevice.Remove(SnapshotName); } catch (IOException) { }
                w.Release(ctx);
                if (w.IsPersistent && attempt == 0)
                {
                    ctx.Log.Warn($"the persistent overlay {w.Cow!.Where} cannot be used: {e.Message}. It is left as "
                                 + "it is (recover it as the LiveOS overlay recovery describes, or boot with "
                                 + $"rd.live.overlay.reset); {WritableStrategy.RamOnly}");
                    w = RamUpperStrategy.Snapshot(ctx, layer.Ram);
                    continue;
                }
                ctx.Log.Warn($"device-mapper snapshot unavailable ({e.Message}); using overlayfs over the read-only "
                             + inner.Where);
                return RamUpperStrategy.Overlay(ctx, layer.Ram);
            }
        }
    }
}
