using LiveInit.Devices;
using LiveInit.Media;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Writable;

/// <summary>
/// overlayfs with its upper inside an ext image file: antiX <c>rootfs</c> on the boot medium, SystemRescueCd-5
/// <c>sysrcd.bs</c> found by a search. The file is opened through the confined opener (a link off the device, a
/// device node, anything but a regular file is refused with one warning) and its descriptor goes to the loop device.
/// A search mounts each candidate read-only without journal replay to look; only the device chosen is mounted
/// read-write, and the console says which file on which device became the writable layer.
/// </summary>
public sealed class LoopFileUpperStrategy(LoopFileUpper l) : WritableStrategy
{
    private string Why => $"persistence file /{l.FilePath}";
    private string Devices => l.Scope == ScanScope.All ? "device" : "removable device";

    public override string Describe() => l.OnBootMedium
        ? $"open /{l.FilePath} on the boot medium, loop-mount it read-write at {l.MountPoint}, use its "
          + $"upperdir/workdir; RAM at {l.Ram.MountPoint} if absent or unusable"
        : $"look for /{l.FilePath} on the boot medium, then on every {Devices} (each mounted read-only without "
          + $"journal replay at {l.SearchMountPoint}); mount the one that has it read-write at {l.DeviceMountPoint}, "
          + $"loop-mount the file read-write at {l.MountPoint}, use its upperdir/workdir; "
          + $"RAM at {l.Ram.MountPoint} if none";

    public override WritableResult? Prepare(BootContext ctx, bool snapshotRoot)
    {
        ctx.EnsureMountTree(l.MountPoint);
        return l.OnBootMedium ? OnBootMedium(ctx) : Search(ctx);
    }

    private WritableResult? OnBootMedium(BootContext ctx)
    {
        if (ctx.Medium is null) return null;
        var dev = PersistenceDevice.Chosen(ctx, ctx.Medium, ctx.Plan.Medium.MountPoint, Why);
        MediumEntry e;
        using (var medium = dev.Open()) e = medium.Lookup(l.FilePath);
        if (e.Kind == EntryKind.Missing)
        {
            ctx.Log.Info($"no {Why} found; {RamOnly}");
            return null;
        }
        if (e.Kind != EntryKind.File)
            return dev.Refuse(ctx, $"{e.Where}: refused: {e.Why ?? "it is a folder, not an image file"}");
        return Take(ctx, dev);
    }

    /// <summary>SystemRescueCd-5: the boot medium first, then every device in scope, by name.</summary>
    private WritableResult? Search(BootContext ctx)
    {
        var reg = ctx.RequireDevices();
        // a search cannot wait for a name: let devices that are still arriving (USB) settle first
        reg.Settle(quietMs: 1500, maxMs: Math.Min(ctx.Plan.Medium.WaitSeconds, 10) * 1000);
        if (ctx.Medium is not null)
        {
            var medium = PersistenceDevice.Chosen(ctx, ctx.Medium, ctx.Plan.Medium.MountPoint, Why);
            MediumEntry e;
            using (var root = medium.Open()) e = root.Lookup(l.FilePath);
            if (e.Kind == EntryKind.Refused)
                ctx.Log.Warn($"{Why}: {e.Where}: refused: {e.Why}; looking on the other devices");
            else if (e.Kind == EntryKind.File && Take(ctx, medium) is { } onMedium) return onMedium;
        }
        var candidates = reg.All
            .Where(d => d.Type is not null && d.Probe.Get("USAGE") == "filesystem" && Writable(d.Type)
                        && (l.Scope == ScanScope.All || d.Device.IsRemovableLike)
                        && !PersistenceDevice.IsBootMedium(ctx, d))
            .OrderBy(d => d.Device.Name, StringComparer.Ordinal);
        foreach (var d in candidates)
        {
            if (LookInto(ctx, d) is not { } e) continue;
            if (e.Kind is EntryKind.Missing or EntryKind.Directory)
            {
                ctx.Log.Info($"looked into {d.Summary()} (read-only, no journal replay): no /{l.FilePath}");
                continue;
            }
            if (e.Kind == EntryKind.Refused)
            {
                ctx.Log.Warn($"{Why} on {d.Device.DevPath}: {e.Where}: refused: {e.Why}; trying the next device");
                continue;
            }
            ctx.Log.Notice($"found /{l.FilePath} on {d.Summary()}; it becomes the writable layer: mounting the "
                           + $"device read-write at {l.DeviceMountPoint}");
            if (Take(ctx, PersistenceDevice.Chosen(ctx, d, l.DeviceMountPoint, Why)) is { } result) return result;
        }
        ctx.Log.Info($"no usable /{l.FilePath} found on the boot medium or any {Devices}; {RamOnly}");
        return null;
    }

    /// <summary>Mounts a candidate read-only without journal replay, looks for the file, unmounts it again.</summary>
    private MediumEntry? LookInto(BootContext ctx, ProbedDevice d)
    {
        try { Mounts.MountToLook(ctx, d.Device.DevPath, d.Type!, l.SearchMountPoint); }
        catch (NativeException e)
        {
            ctx.Log.Trace($"cannot look into {d.Device.DevPath}: {e.Message}");
            return null;
        }
        try
        {
            using var root = MediumRoot.Open(l.SearchMountPoint);
            return root.Lookup(l.FilePath);
        }
        finally { new HeldMount(l.SearchMountPoint).Release(ctx); }
    }

    private WritableResult? Take(BootContext ctx, PersistenceDevice dev) =>
        dev.MakeWritable(ctx, "defaults") ? UseImage(ctx, dev) : null;

    /// <summary>Opens the file on the (now writable) device, loop-mounts it read-write and makes upperdir/workdir
    /// inside it. Null (one warning, everything undone) when any of that fails.</summary>
    private WritableResult? UseImage(BootContext ctx, PersistenceDevice dev)
    {
        string where;
        try
        {
            using var root = dev.Open();
            using var file = root.OpenFile(l.FilePath, write: true);
            where = file.Where;
            Mounts.MountImage(ctx, file, l.MountPoint, readOnly: false);
        }
        catch (RefusedPathException e) { return dev.Refuse(ctx, e.Message); }
        catch (Exception e) when (e is IOException or BootFailure)
        {
            return dev.Refuse(ctx, $"{dev.MountPoint}/{l.FilePath} cannot be used ({e.Message})");
        }
        var image = new HeldMount(l.MountPoint);
        try
        {
            using var inside = MediumRoot.Open(l.MountPoint);
            using var upper = inside.EnsureDirectory("upperdir");
            using var work = inside.EnsureDirectory("workdir");
            ctx.Log.Info($"writable layer: {where} mounted at {l.MountPoint} (persistent): /{l.FilePath} on "
                         + dev.Device.Summary());
            return WritableResult.Overlay(upper, work, persistent: true, $"{where} on {dev.DevPath}",
                [.. dev.Mounted, image]);
        }
        catch (Exception e) when (e is RefusedPathException or NativeException)
        {
            image.Release(ctx);
            return dev.Refuse(ctx, $"inside {where}: {e.Message}");
        }
    }

    /// <summary>Filesystems a backing store can be written on (the overlay's upper is inside the ext image, so FAT
    /// sticks count); optical and compressed read-only filesystems do not.</summary>
    private static bool Writable(string type) => type is not ("iso9660" or "udf" or "squashfs" or "erofs");
}
