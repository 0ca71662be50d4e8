using LiveInit.Media;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Writable;

/// <summary>
/// archiso persistence (<c>cow_label</c>/<c>cow_device</c>, <c>cow_directory</c>): overlayfs upper and work folders
/// on a persistent device. The device is looked into read-only first; its upperdir and workdir must be folders on
/// it (or missing) — a link off the device, a device node or a regular file in their place is refused with one
/// warning, the device unmounted and the changes kept in RAM, with nothing written to it. Only then is it mounted
/// read-write and the folders made beneath its mount (mkdirat, never following a link off it).
/// </summary>
public sealed class DirectoryUpperStrategy(DirectoryUpper d) : WritableStrategy
{
    private const string Why = "persistence (cow_label/cow_device)";

    public override string Describe() =>
        $"wait for {d.Device}, look into it read-only at {d.MountPoint} (no journal replay); when {d.UpperDir} and "
        + $"{d.WorkDir} can be used, mount it read-write ({d.MountOptions}) and use them; "
        + $"else RAM: a tmpfs of its own at {d.Ram.MountPoint} ({d.Ram.UpperDir})";

    public override WritableResult? Prepare(BootContext ctx, bool snapshotRoot)
    {
        var found = PersistenceDevice.Find(ctx, d.Device, Why);
        if (found is null) return null;
        if (found.Type is not null && !Mounts.CanHoldUpper(found.Type))
        {
            ctx.Log.Warn($"{Why}: {found.Device.DevPath} is {found.Type}, which cannot hold overlayfs changes "
                         + "(no POSIX permissions, links or whiteouts). Use an ext4, xfs or btrfs partition; "
                         + RamOnly);
            return null;
        }
        var dev = PersistenceDevice.Look(ctx, found, d.MountPoint, Why);
        if (dev is null) return null;
        using (var look = dev.Open())
            foreach (var rel in new[] { d.UpperDir, d.WorkDir })
            {
                var e = look.Lookup(rel);
                if (e.Kind == EntryKind.Refused) return dev.Refuse(ctx, $"{e.Where}: refused: {e.Why}");
                if (e.Kind == EntryKind.File) return dev.Refuse(ctx, NotAFolder(e.Where));
            }
        if (!dev.HasRoom(ctx) || !dev.MakeWritable(ctx, d.MountOptions)) return null;
        try
        {
            using var root = dev.Open();
            using var upper = root.EnsureDirectory(d.UpperDir);
            using var work = root.EnsureDirectory(d.WorkDir);
            if (!OverlayOptions.CanEscape(upper.Path + work.Path))
                return dev.Refuse(ctx, Unusable(upper.Path));
            ctx.Log.Info($"writable layer: {upper.Path} on {dev.DevPath} (persistent)");
            return WritableResult.Overlay(upper, work, persistent: true, $"{upper.Path} on {dev.DevPath}", dev.Mounted);
        }
        catch (RefusedPathException e) { return dev.Refuse(ctx, e.Message); }
        catch (NativeException e) { return dev.Refuse(ctx, e.Message); }
    }
}
