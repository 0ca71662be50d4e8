using LiveInit.Boot.AutoOverlay;
using LiveInit.Media;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Writable;

/// <summary>
/// Fedora LiveOS (dracut <c>rd.live.overlay</c>): the persistent overlay on the overlay device is a file (the COW of
/// a dm-snapshot root) or a folder (an overlayfs upper, work in <c>../ovlwork</c>). The device is looked into
/// read-only first; the overlay — its name built from the device's own label and UUID when the plan gives none —
/// must pass the same path check as a typed path and be a regular file or a folder on that device. A link off the
/// device (to <c>/dev/…</c> or anywhere else) is refused with one warning before anything is written; the reset
/// (<c>rd.live.overlay.reset</c>) writes through the COW's own descriptor or empties the folder through descriptors.
/// </summary>
public sealed class LiveOsOverlayStrategy(LiveOsOverlay o) : WritableStrategy
{
    private const string Why = "persistent overlay (rd.live.overlay)";
    private const int ResetBytes = 64 * 1024;

    public override string Describe() => o.PersistentDevice is null
        ? $"LiveOS overlay in RAM: {new RamUpperStrategy(o.Ram).Describe()}"
        : $"find the overlay /{o.OverlayPath ?? o.LiveDir + "/overlay-<LABEL>-<UUID>"} on {o.PersistentDevice} "
          + $"(looked into read-only at {o.DeviceMountPoint} unless it is the boot medium); a file is a dm-snapshot "
          + $"COW, a directory an overlayfs upper (work in ../ovlwork); RAM ({o.Ram.MountPoint}, COW at "
          + $"{o.Ram.SnapshotMountPoint}) if absent or unusable";

    public override bool SnapshotsInnerImage => !o.ForceOverlayfs;

    public override WritableResult? Prepare(BootContext ctx, bool snapshotRoot)
    {
        if (o.PersistentDevice is null) return RamUpperStrategy.For(ctx, o.Ram, snapshotRoot);
        if (ctx.Plan.AutoOverlay is { } auto && !o.ReadOnly
            && !AutoOverlayCreator.Ensure(ctx, auto, o.PersistentDevice)) return null;
        var found = PersistenceDevice.Find(ctx, o.PersistentDevice, Why);
        if (found is null) return null;
        var rel = o.OverlayPath;
        if (rel is null && !TryDefaultPath(o.LiveDir, found.Label, found.Uuid, out rel, out var err))
        {
            ctx.Log.Warn($"{Why}: the overlay name built from the label and UUID of {found.Device.DevPath}: {err}; "
                         + $"give rd.live.overlay=<device>:<path>; {RamOnly}");
            return null;
        }
        var dev = PersistenceDevice.Look(ctx, found, o.DeviceMountPoint, Why);
        if (dev is null) return null;
        MediumEntry entry;
        using (var look = dev.Open()) entry = look.Lookup(rel);
        return entry.Kind switch
        {
            EntryKind.Refused => dev.Refuse(ctx, $"{entry.Where}: refused: {entry.Why}"),
            EntryKind.Missing when snapshotRoot => dev.Refuse(ctx, $"/{rel} does not exist on {dev.DevPath}; "
                                                                   + "create it (a blank file of the COW size, or a "
                                                                   + "directory for overlayfs)"),
            EntryKind.File => CowFile(ctx, dev, rel, snapshotRoot),
            _ => UpperFolder(ctx, dev, rel),   // a folder, or none yet for an overlayfs root: made, as dracut does
        };
    }

    /// <summary>dracut's default overlay, <c>&lt;dir&gt;/overlay-&lt;LABEL&gt;-&lt;UUID&gt;</c>, from what the device
    /// says about itself (hostile: a label may hold '/', '..', ',' or control characters). It passes the same check
    /// as a typed path: one name, relative, no '..', nothing overlayfs splits on.</summary>
    public static bool TryDefaultPath(string liveDir, string? label, string? uuid, out string rel, out string? error)
    {
        var name = $"overlay-{label}-{uuid}";
        rel = "";
        return RelativePath.TryName(name, out error)
               && RelativePath.TryNormalizeForOverlay($"{liveDir}/{name}", out rel, out error);
    }

    /// <summary>A COW file: the root is a dm-snapshot, the loop device gets the file's descriptor.</summary>
    private WritableResult? CowFile(BootContext ctx, PersistenceDevice dev, string rel, bool snapshotRoot)
    {
        if (!snapshotRoot)
            return dev.Refuse(ctx, $"/{rel} is a file (a dm-snapshot COW), and this root is overlayfs (the image "
                                   + "has no LiveOS/rootfs.img, or rd.live.overlay.overlayfs). Create the directory "
                                   + $"/{rel} and /{Parent(rel)}ovlwork instead");
        if (o.ReadOnly)
            return dev.Refuse(ctx, $"rd.live.overlay.readonly: the COW file /{rel} is not used read-only by "
                                   + "LiveInit yet");
        if (!dev.HasRoom(ctx) || !dev.MakeWritable(ctx, "defaults")) return null;
        ConfinedFile cow;
        try
        {
            using var root = dev.Open();
            cow = root.OpenFile(rel, write: true);
        }
        catch (RefusedPathException e) { return dev.Refuse(ctx, e.Message); }
        catch (NativeException e) { return dev.Refuse(ctx, e.Message); }
        if (o.Reset)
        {
            ctx.Log.Notice($"rd.live.overlay.reset: clearing the snapshot header of {cow.Where}");
            try
            {
                using var s = cow.OpenStream();
                s.Write(new byte[Math.Min(ResetBytes, Math.Max(cow.Length, 0))]);
                s.Flush(flushToDisk: true);
            }
            catch (IOException e)
            {
                cow.Dispose();
                return dev.Refuse(ctx, $"cannot reset {cow.Where}: {e.Message}");
            }
        }
        ctx.Log.Info($"writable layer: dm-snapshot COW file {cow.Where} on {dev.DevPath} (persistent)");
        return WritableResult.Snapshot(cow, persistent: true, $"COW file {cow.Where} on {dev.DevPath}", dev.Mounted);
    }

    /// <summary>An overlayfs upper folder, work in <c>../ovlwork</c> (rd.live.overlay.readonly: a read-only layer
    /// under a RAM upper).</summary>
    private WritableResult? UpperFolder(BootContext ctx, PersistenceDevice dev, string rel)
    {
        if (dev.Device.Type is { } type && !Mounts.CanHoldUpper(type))
            return dev.Refuse(ctx, $"{dev.DevPath} is {type}, which cannot hold overlayfs changes (no POSIX "
                                   + "permissions, links or whiteouts); use an ext4, xfs or btrfs partition, "
                                   + "or a COW file");
        var workRel = Parent(rel) + "ovlwork";
        if (o.ReadOnly) return ReadOnlyLayer(ctx, dev, rel);
        using (var look = dev.Open())
        {
            var w = look.Lookup(workRel);
            if (w.Kind == EntryKind.Refused) return dev.Refuse(ctx, $"{w.Where}: refused: {w.Why}");
            if (w.Kind == EntryKind.File) return dev.Refuse(ctx, NotAFolder(w.Where));
        }
        if (!dev.HasRoom(ctx) || !dev.MakeWritable(ctx, "defaults")) return null;
        try
        {
            using var root = dev.Open();
            if (o.Reset)
            {
                ctx.Log.Notice($"rd.live.overlay.reset: emptying {root.Where(rel)} and {root.Where(workRel)}");
                if (root.Lookup(rel).IsDirectory) root.EmptyDirectory(rel);
                if (root.Lookup(workRel).IsDirectory) root.EmptyDirectory(workRel);
            }
            using var upper = root.EnsureDirectory(rel);
            using var work = root.EnsureDirectory(workRel);
            if (!OverlayOptions.CanEscape(upper.Path + work.Path))
                return dev.Refuse(ctx, Unusable(upper.Path));
            ctx.Log.Info($"writable layer: {upper.Path} on {dev.DevPath} (persistent overlayfs)");
            return WritableResult.Overlay(upper, work, persistent: true, $"{upper.Path} on {dev.DevPath}", dev.Mounted);
        }
        catch (RefusedPathException e) { return dev.Refuse(ctx, e.Message); }
        catch (NativeException e) { return dev.Refuse(ctx, e.Message); }
    }

    /// <summary>rd.live.overlay.readonly: the folder, on the device as looked into (read-only, nothing replayed),
    /// is a read-only layer above the image; changes go to RAM.</summary>
    private WritableResult? ReadOnlyLayer(BootContext ctx, PersistenceDevice dev, string rel)
    {
        string path;
        try
        {
            using var root = dev.Open();
            using var dir = root.OpenDirectory(rel);
            path = dir.Path;
        }
        catch (RefusedPathException e) { return dev.Refuse(ctx, e.Message); }
        catch (NativeException e) { return dev.Refuse(ctx, $"rd.live.overlay.readonly: {e.Message}"); }
        if (!OverlayOptions.CanEscape(path)) return dev.Refuse(ctx, Unusable(path));
        ctx.Log.Info($"rd.live.overlay.readonly: {path} is a read-only layer; changes go to RAM");
        var ram = RamUpperStrategy.Overlay(ctx, o.Ram);
        return ram with { LowerDirs = [path], Mounted = [.. dev.Mounted, .. ram.Mounted] };
    }

    private static string Parent(string rel) => rel.LastIndexOf('/') is var i and >= 0 ? rel[..(i + 1)] : "";
}
