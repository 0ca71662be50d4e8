using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>Mounts the new root at /sysroot: overlayfs of the lower layers (SRMs above the image) and the
/// writable layer. If a persistent upper is refused by overlayfs, the root is assembled in RAM instead.</summary>
public sealed class AssembleRoot(WritableLayer layer, string newRoot) : BootStep
{
    public override string Describe() => $"mount overlayfs at {newRoot}: lowerdir = SRMs (if any) above the image, upperdir/workdir from the writable layer"
        + (layer is LiveOsOverlay { ForceOverlayfs: false } ? $"; when the image holds an ext image: /dev/mapper/{SnapshotName} (dm-snapshot) instead" : "");

    public override void Run(BootContext ctx)
    {
        if (ctx.CowFile is not null && ctx.InnerRootfs is not null && SnapshotRoot(ctx)) return;
        if (ctx.InnerRootfs is not null)
        {
            const string baseMount = "/run/liveinit/rootfs-base";
            try { Mounts.MountImage(ctx, ctx.InnerRootfs, baseMount, readOnly: true); }
            catch (NativeException e) { throw new BootFailure($"cannot mount {ctx.InnerRootfs}: {e.Message}", e); }
            ctx.LowerDirs.Add(baseMount);
            ctx.Log.Info($"{ctx.InnerRootfs} mounted read-only at {baseMount}; overlayfs keeps the changes");
        }
        if (ctx.LowerDirs.Count == 0) throw new BootFailure("nothing to build the root from (no image was mounted)");
        Libc.MkdirAll(ctx.NewRoot);
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

    public const string SnapshotName = "live-rw";

    /// <summary>dm-snapshot root (Fedora LiveOS, archiso DM mode): the inner ext image read-only as origin,
    /// the COW file as exception store, <c>/dev/mapper/live-rw</c> mounted read-write. A persistent COW that
    /// the kernel marks invalid (it filled up) is left untouched and the boot continues with COW in RAM.</summary>
    private bool SnapshotRoot(BootContext ctx)
    {
        ctx.Modules?.Load("dm_snapshot", quietIfUnknown: true);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using var origin = Devices.LoopDevice.Attach(ctx.InnerRootfs!, readOnly: true);
                using var cow = Devices.LoopDevice.Attach(ctx.CowFile!, readOnly: false);
                var sectors = (ulong)new FileInfo(ctx.InnerRootfs!).Length / 512;
                var target = Devices.DeviceMapper.SnapshotTarget.Create(Devices.DeviceMapper.DmDevice.DevNumber(origin.Path),
                    Devices.DeviceMapper.DmDevice.DevNumber(cow.Path), sectors, ctx.CowPersistent);
                var node = Devices.DeviceMapper.DmDevice.Create(SnapshotName, [target]);
                var status = Devices.DeviceMapper.DmDevice.Status(SnapshotName);
                if (status.Contains("Invalid", StringComparison.Ordinal))   // the catch below removes the device
                    throw new BootFailure($"the snapshot over {ctx.CowFile} is marked Invalid (its COW space ran out)");
                string? type;
                using (var src = new Probe.FileProbeSource(node)) type = Probe.Prober.ProbeFilesystem(src).Get("TYPE");
                Libc.MkdirAll(ctx.NewRoot);
                Mounts.MountDevice(ctx, node, type ?? "ext4", ctx.NewRoot, readOnly: false);
                ctx.RootDevice = node;
                ctx.Log.Info($"root assembled: {node} = snapshot of {ctx.InnerRootfs} with {(ctx.CowPersistent ? "persistent" : "RAM")} COW {ctx.CowFile} ({status})");
                return true;
            }
            catch (Exception e) when (e is IOException or BootFailure)
            {
                try { Devices.DeviceMapper.DmDevice.Remove(SnapshotName); } catch (IOException) { }
                if (ctx.CowPersistent)
                {
                    ctx.Log.Warn($"the persistent overlay {ctx.CowFile} cannot be used: {e.Message}. It is left as it is "
                                 + "(recover it as the LiveOS overlay recovery describes, or boot with rd.live.overlay.reset); changes will be kept in RAM only");
                    PrepareWritable.RamSnapshotCow(ctx, 1L << 30);
                    continue;
                }
                ctx.Log.Warn($"device-mapper snapshot unavailable ({e.Message}); using overlayfs over the read-only {ctx.InnerRootfs}");
                PrepareWritable.Ram(ctx, layer.RamSize);
                return false;
            }
        }
        return false;
    }

    private static int TryOverlay(BootContext ctx) =>
        Libc.TryMount("overlay", ctx.NewRoot, "overlay", 0,
            $"lowerdir={string.Join(':', ctx.LowerDirs)},upperdir={ctx.UpperDir},workdir={ctx.WorkDir}");
}
