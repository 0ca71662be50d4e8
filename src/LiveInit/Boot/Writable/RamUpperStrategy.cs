using LiveInit.Media;
using LiveInit.Plan;

namespace LiveInit.Boot.Writable;

/// <summary>
/// Changes in RAM: a tmpfs of its own at the plan's mount point with <c>upperdir</c>/<c>workdir</c> in the plan's
/// folder (archiso: <c>/run/archiso/cowspace/&lt;cow_directory&gt;/upperdir</c>), or, for a dm-snapshot root, a
/// sparse COW file on a tmpfs of its own. Also the fallback of every other strategy: a new tmpfs is mounted even
/// where a persistence device was mounted before, so a failed persistent attempt is never reused.
/// </summary>
public sealed class RamUpperStrategy(RamPlan ram) : WritableStrategy
{
    private const string CowName = "cow";

    public override string Describe() =>
        $"mount a tmpfs of its own (size {ram.Size}) at {ram.MountPoint} for {ram.UpperDir} and {ram.WorkDir}; "
        + $"a dm-snapshot root gets a sparse {ram.SnapshotMiB} MiB COW file on a tmpfs at {ram.SnapshotMountPoint}";

    public override bool SnapshotsInnerImage => true;

    public override WritableResult Prepare(BootContext ctx, bool snapshotRoot) => For(ctx, ram, snapshotRoot);

    public static WritableResult For(BootContext ctx, RamPlan ram, bool snapshotRoot) =>
        snapshotRoot ? Snapshot(ctx, ram) : Overlay(ctx, ram);

    /// <summary>overlayfs upper and work on a new tmpfs.</summary>
    public static WritableResult Overlay(BootContext ctx, RamPlan ram)
    {
        Mounts.MountTmpfs(ram.MountPoint, $"size={ram.Size.MountOption},mode=0755");
        var held = new HeldMount(ram.MountPoint);
        using var root = MediumRoot.Open(ram.MountPoint);
        using var upper = root.EnsureDirectory(ram.UpperDir);
        using var work = root.EnsureDirectory(ram.WorkDir);
        ctx.Log.Info($"writable layer: RAM (tmpfs {ram.Size}) at {ram.MountPoint}, upper {upper.Path}; "
                     + "changes are lost at power-off");
        return WritableResult.Overlay(upper, work, persistent: false, $"RAM ({upper.Path})", [held]);
    }

    /// <summary>A sparse COW file for a dm-snapshot root on a new tmpfs.</summary>
    public static WritableResult Snapshot(BootContext ctx, RamPlan ram)
    {
        Mounts.MountTmpfs(ram.SnapshotMountPoint, "mode=0755");
        var held = new HeldMount(ram.SnapshotMountPoint);
        var bytes = (long)ram.SnapshotMiB << 20;
        // our own fresh tmpfs: the file is made by path, then opened like any other COW
        var path = Path.Combine(ram.SnapshotMountPoint, CowName);
        using (var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write)) f.SetLength(bytes);
        using var root = MediumRoot.Open(ram.SnapshotMountPoint);
        var cow = root.OpenFile(CowName, write: true);
        ctx.Log.Info($"writable layer: dm-snapshot COW in RAM (sparse {ram.SnapshotMiB} MiB file on tmpfs at "
                     + $"{ram.SnapshotMountPoint}); changes are lost at power-off");
        return WritableResult.Snapshot(cow, persistent: false, $"RAM COW {cow.Where}", [held]);
    }
}
