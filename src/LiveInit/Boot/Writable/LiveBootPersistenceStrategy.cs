using System.Text;
using LiveInit.Devices;
using LiveInit.Media;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Writable;

/// <summary>A path of the live system kept on a persistence volume, mounted by
/// <see cref="Steps.MountPersistentPaths"/> once the root is assembled: <see cref="Source"/> (bind, link) or
/// <see cref="Upper"/>/<see cref="Work"/> (union) are canonical paths on the volume's mount; <see cref="Lower"/>
/// read-only layers (persistence-read-only).</summary>
public sealed record PersistentPath(
    string Destination, PersistenceMode Mode, string? Source, string? Upper, string? Work,
    IReadOnlyList<string> Lower, string Device);

/// <summary>
/// live-boot persistence: every volume labelled (filesystem label or GPT partition name) as
/// <see cref="LiveBootPersistence.Labels"/> is looked into read-only without journal replay; one holding a
/// <c>persistence.conf</c> (read through the confined opener, bounded, parsed as hostile input by
/// <see cref="PersistenceConf"/>) is used: it is made writable only then (not at all with persistence-read-only),
/// the folders of its lines are made beneath its mount, <c>/ union</c> becomes the root's upper (<c>rw/</c>, work
/// <c>work/</c>) and every other line a <see cref="PersistentPath"/> mounted after the root. A volume without the file
/// is left alone (as live-boot does) and unmounted.
/// </summary>
public sealed class LiveBootPersistenceStrategy(LiveBootPersistence p) : WritableStrategy
{
    private const string Why = "persistence (live-boot)";

    public override string Describe() =>
        $"look for volumes labelled {string.Join(" or ", p.Labels)} (filesystem label or GPT partition name), each "
        + $"read-only without journal replay at {p.MountRoot}/<device>, and files /{Rel("<label>")} on the other "
        + $"devices (loop-mounted); one holding {PersistenceConf.FileName} is used "
        + (p.ReadOnly ? "read-only (persistence-read-only: its content below a RAM layer)" : "read-write")
        + ": '/ union' keeps the root's changes in rw/ (work/), other lines are mounted after the root; "
        + $"else {PlanText.Ram(p.Ram)}";

    public override WritableResult? Prepare(BootContext ctx, bool snapshotRoot)
    {
        var volumes = Volumes(ctx);
        var paths = new List<PersistentPath>();
        WritableResult? root = null;
        foreach (var v in volumes.Take(LiveBootPersistence.MaxVolumes))
        {
            var used = Use(ctx, v, paths, root is null);
            if (used is not null) root ??= used;
        }
        var files = UseFiles(ctx, volumes, paths, ref root);
        if (volumes.Count == 0 && files == 0)
        {
            ctx.Log.Warn($"{Why}: no volume labelled {string.Join(" or ", p.Labels.Select(l => $"'{l}'"))} (a "
                         + $"filesystem label or a GPT partition name) and no file /{Rel("<label>")} on any device; "
                         + RamOnly);
            return null;
        }
        ctx.PersistentPaths = paths;
        if (root is not null) return root;
        if (paths.Count == 0) return null;
        ctx.Log.Info($"{Why}: no '/' line: the root's changes are kept in RAM; the paths listed persist");
        return RamUpperStrategy.For(ctx, p.Ram, snapshotRoot);
    }

    private string Rel(string label) => p.FileFolder.Length == 0 ? label : $"{p.FileFolder}/{label}";

    /// <summary>live-boot's persistence files: every other filesystem (the boot medium too) is looked into
    /// read-only for <c>&lt;persistence-path&gt;/&lt;label&gt;</c>; one that has it is made writable (unless
    /// read-only persistence), the file opened through the confined opener, attached to a loop device and used as
    /// a volume. Returns how many files were found.</summary>
    private int UseFiles(BootContext ctx, List<ProbedDevice> volumes, List<PersistentPath> paths,
        ref WritableResult? root)
    {
        var found = 0;
        var hosts = ctx.RequireDevices().All
            .Where(d => d.Type is not null && d.Probe.Get("USAGE") == "filesystem" && !d.Device.IsLoop
                        && !volumes.Contains(d))
            .OrderBy(d => d.Device.Name, StringComparer.Ordinal).ToList();
        foreach (var h in hosts)
        {
            if (found == LiveBootPersistence.MaxVolumes) break;
            var host = PersistenceDevice.Look(ctx, h, $"{p.MountRoot}/{h.Device.Name}-host", Why);
            if (host is null) continue;
            List<string> here;
            using (var look = host.Open())
                here = p.Labels.Select(Rel).Where(rel => look.Lookup(rel).IsFile).ToList();
            if (here.Count == 0) { host.Release(ctx); continue; }
            if (!p.ReadOnly && !host.MakeWritable(ctx, "defaults")) continue;
            foreach (var rel in here)
            {
                found++;
                try
                {
                    using var dir = host.Open();
                    using var file = dir.OpenFile(rel, write: !p.ReadOnly);
                    using var loop = LoopDevice.Attach(file, readOnly: p.ReadOnly);
                    var name = Path.GetFileName(loop.Path);
                    var dev = SysfsBlock.Read("/sys", name)
                              ?? new BlockDevice(name, 7, 0, file.Length, false, p.ReadOnly, 0, null, 0);
                    ctx.Log.Info($"{Why}: persistence file {file.Where} on {h.Device.DevPath} is {loop.Path}");
                    var used = Use(ctx, ProbedDevice.Of(dev), paths, root is null);   // the loop is held until then
                    if (used is not null) root ??= used;
                }
                catch (Exception e) when (e is RefusedPathException or NativeException or IOException)
                {
                    ctx.Log.Warn($"{Why}: {host.MountPoint}/{rel}: {e.Message}; not used");
                }
            }
        }
        return found;
    }

    private List<ProbedDevice> Volumes(BootContext ctx)
    {
        var reg = ctx.RequireDevices();
        reg.Rescan();
        var found = Matching(reg.All, ctx);
        if (found.Count > 0) return found;
        reg.Settle(500, 3000);
        return Matching(reg.All, ctx);
    }

    private List<ProbedDevice> Matching(IEnumerable<ProbedDevice> all, BootContext ctx) =>
        all.Where(d => !d.Device.IsLoop && !PersistenceDevice.IsBootMedium(ctx, d)
                       && (p.Labels.Contains(d.Label ?? "\0") || p.Labels.Contains(d.PartLabel ?? "\0")))
           .OrderBy(d => d.Device.Name, StringComparer.Ordinal).ToList();

    /// <summary>Reads one volume's persistence.conf and makes its folders; the root's layer when it has a '/'
    /// line and <paramref name="wantRoot"/>.</summary>
    private WritableResult? Use(BootContext ctx, ProbedDevice v, List<PersistentPath> paths, bool wantRoot)
    {
        if (v.Type is not null && !Mounts.CanHoldUpper(v.Type))
        {
            ctx.Log.Warn($"{Why}: {v.Device.DevPath} is {v.Type}, which cannot hold overlayfs changes (no POSIX "
                         + "permissions, links or whiteouts); use ext4. It is not used");
            return null;
        }
        var dev = PersistenceDevice.Look(ctx, v, $"{p.MountRoot}/{v.Device.Name}", Why);
        if (dev is null) return null;
        PersistenceConf conf;
        using (var look = dev.Open())
        {
            var f = look.TryOpenFile(PersistenceConf.FileName, write: false, out var refusal);
            if (f is null)
            {
                if (refusal is not null)
                    return dev.Refuse(ctx, $"{look.Where(PersistenceConf.FileName)}: refused: {refusal}");
                ctx.Log.Warn($"{Why}: {v.Device.DevPath} holds no {PersistenceConf.FileName}; not used (as live-boot)");
                dev.Release(ctx);
                return null;
            }
            using (f)
            {
                var bytes = f.ReadSmall(PersistenceConf.MaxBytes);
                if (bytes is null)
                    return dev.Refuse(ctx, $"{f.Where} is larger than {PersistenceConf.MaxBytes} bytes");
                conf = PersistenceConf.Parse(Encoding.UTF8.GetString(bytes));
            }
        }
        foreach (var problem in conf.Problems) ctx.Log.Warn($"{Why}: {v.Device.DevPath}: {problem}");
        if (conf.Entries.Count == 0)
            return dev.Refuse(ctx, $"{v.Device.DevPath}: {PersistenceConf.FileName} lists no usable path");
        if (!p.ReadOnly && (!dev.HasRoom(ctx) || !dev.MakeWritable(ctx, "defaults"))) return null;
        WritableResult? result = null;
        try
        {
            using var root = dev.Open();
            foreach (var e in conf.Entries)
            {
                if (e.IsRoot && !wantRoot)
                {
                    ctx.Log.Warn($"{Why}: {v.Device.DevPath}: '/' is already kept on another volume; line {e.Line} "
                                 + "skipped");
                    continue;
                }
                var made = Folders(ctx, root, e, v.Device.DevPath);
                if (made is null) continue;
                if (!e.IsRoot) { paths.Add(made); continue; }
                result = RootLayer(ctx, made, dev);
            }
        }
        catch (Exception e) when (e is RefusedPathException or NativeException)
        {
            paths.RemoveAll(x => x.Device == v.Device.DevPath);
            return dev.Refuse(ctx, e.Message);
        }
        if (result is null && !paths.Any(x => x.Device == v.Device.DevPath)) dev.Release(ctx);
        return result;
    }

    /// <summary>The folders of one line, made beneath the volume's mount (read-only: only looked up; a missing
    /// one skips the line, as live-boot).</summary>
    private PersistentPath? Folders(BootContext ctx, MediumRoot root, PersistenceEntry e, string device)
    {
        var union = e.IsRoot || e.Mode == PersistenceMode.Union;
        var src = e.Source;
        string Rel(string name) => src.Length == 0 ? name : $"{src}/{name}";
        if (p.ReadOnly)
        {
            var dir = union ? Rel("rw") : src;
            var entry = root.Lookup(dir);
            if (entry.Kind != EntryKind.Directory)
            {
                var what = entry.Kind == EntryKind.Refused ? $"refused: {entry.Why}" : "not a folder";
                ctx.Log.Warn($"{Why}: {entry.Where} is {what}"
                             + $"; {e.Destination} skipped (persistence-read-only creates nothing)");
                return null;
            }
            using var d = root.OpenDirectory(dir);
            return new PersistentPath(e.Destination, e.Mode, d.Path, null, null, [d.Path], device);
        }
        if (union)
        {
            using var upper = root.EnsureDirectory(Rel("rw"));
            using var work = root.EnsureDirectory(Rel("work"));
            if (!OverlayOptions.CanEscape(upper.Path + work.Path))
                throw new RefusedPathException(upper.Path, "its links lead to names with control characters");
            return new PersistentPath(e.Destination, e.Mode, null, upper.Path, work.Path, [], device);
        }
        using var s = src.Length == 0 ? root.OpenDirectory("") : root.EnsureDirectory(src);
        return new PersistentPath(e.Destination, e.Mode, s.Path, null, null, [], device);
    }

    private WritableResult RootLayer(BootContext ctx, PersistentPath made, PersistenceDevice dev)
    {
        if (p.ReadOnly)
        {
            var ram = RamUpperStrategy.Overlay(ctx, p.Ram);
            ctx.Log.Info($"writable layer: RAM over {made.Lower[0]} on {dev.DevPath} (persistence-read-only)");
            return ram with { LowerDirs = made.Lower, Mounted = [.. dev.Mounted, .. ram.Mounted] };
        }
        ctx.Log.Info($"writable layer: {made.Upper} on {dev.DevPath} (persistent, {PersistenceConf.FileName} '/')");
        return new WritableResult(true, $"{made.Upper} on {dev.DevPath}", made.Upper, made.Work, null, [], dev.Mounted);
    }
}
