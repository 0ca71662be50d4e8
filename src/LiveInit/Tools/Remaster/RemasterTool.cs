using LiveInit.Boot;
using LiveInit.Native;
using LiveInit.Tools.Common;

namespace LiveInit.Tools.Remaster;

/// <summary>
/// <c>liveinit remaster estimate|create</c> (antiX live remastering, mklinuxfs). create squashes the running root
/// (less tmp, var/tmp, var/log, other mounts and -e paths) into NAME.new beside the image, refusing up front
/// when the estimate does not fit on the boot device; writes NAME.new.md5 in md5sum format first and renames
/// NAME.new into place last, so a NAME.new that exists always has its checksum; with root persistence on, an
/// empty rootfs.new goes with it. The boot swaps them in (NAME -> NAME.old, NAME.new -> NAME).
/// </summary>
public sealed class RemasterTool(LiveSystem system, Say say)
{
    public sealed record Estimate(long DataBytes, long EstimateBytes, long? QuickBytes, long FreeBytes, string BootMount);

    public Estimate Measure(RemasterTarget target, RootSelection selection)
    {
        say.Step("measuring the running root (du, leaving out " + string.Join(", ", selection.ContentExcluded.Take(6))
                 + (selection.ContentExcluded.Count > 6 ? ", ..." : "") + ")");
        var data = selection.DiskUsage();
        long? quick = null;
        try
        {
            var upper = system.UpperDir();
            if (File.Exists(target.Image))
                quick = SizeEstimate.FromImageAndChanges(new FileInfo(target.Image).Length, new RootSelection([], []).DiskUsage(upper));
        }
        catch (ToolFailure) { }
        return new Estimate(data, SizeEstimate.FromData(data), quick, FileSpace.Free(target.Directory), target.BootMount);
    }

    public int ShowEstimate(RemasterTarget target, RootSelection selection)
    {
        var e = Measure(target, selection);
        Console.Out.WriteLine($"data in the running root: {e.DataBytes >> 20} MiB");
        Console.Out.WriteLine($"estimated {target.ImageName}.new: {e.EstimateBytes >> 20} MiB (0.45 x data + 10 MiB)");
        if (e.QuickBytes is { } q) Console.Out.WriteLine($"quick estimate: {q >> 20} MiB (current {target.ImageName} "
            + "+ 0.45 x the changes + 10 MiB)");
        var need = e.EstimateBytes + RootfsBytes(target);
        Console.Out.WriteLine($"free on the boot device ({e.BootMount}): {e.FreeBytes >> 20} MiB: "
                              + (need <= e.FreeBytes ? "it fits" : $"NOT enough (about {need >> 20} MiB needed)"));
        return 0;
    }

    public int Create(RemasterTarget target, RootSelection selection, string compression, string? level, bool force)
    {
        var type = system.Mounts.ForPath(target.Directory)?.FsType;
        if (type is "iso9660" or "udf")
            throw new ToolFailure($"the boot device is {type} (read-only by nature): live remastering needs a "
                + "writable USB or hard-disk (frugal) install");
        foreach (var blocker in new[] { ".old", ".bad" })
            if (File.Exists(target.Image + blocker) && !force)
                throw new ToolFailure($"{target.Image}{blocker} exists from an earlier remaster or rollback, and the "
                    + "boot will not apply a new "
                                      + $"{target.ImageName}.new while it does. Delete or rename it first (or add "
                                          + "--force to build anyway)");
        if (File.Exists(target.New) && !force) throw new ToolFailure($"{target.New} already exists (waiting for a "
            + "reboot); add --force to replace it");
        WritableMount.Ensure(target.Directory, system.Mounts, say);
        var e = Measure(target, selection);
        var need = e.EstimateBytes + RootfsBytes(target);
        say.Step($"data {e.DataBytes >> 20} MiB, estimated {target.ImageName}.new {e.EstimateBytes >> 20} MiB, free "
            + $"{e.FreeBytes >> 20} MiB");
        if (need > e.FreeBytes && !force)
            throw new ToolFailure($"the new image is estimated at {need >> 20} MiB but {target.BootMount} has "
                + $"{e.FreeBytes >> 20} MiB free. "
                                  + "Free some space, leave more out with -e, or add --force to try anyway");
        using var image = new AtomicOutput(target.New);
        say.Step($"squashing the running root into {target.New} ({compression})");
        var args = Mksquashfs.Compression(compression, level).Concat(selection.MksquashfsArgs());
        Mksquashfs.Run("/", image.TempPath, args, $"make {target.ImageName}.new (mksquashfs)", say);
        var actual = new FileInfo(image.TempPath).Length;
        say.Step($"{target.ImageName}.new is {actual >> 20} MiB ({Say.Size(actual)}); the estimate was "
            + $"{e.EstimateBytes >> 20} MiB "
                 + $"({(e.EstimateBytes == 0 ? 0 : 100.0 * actual / e.EstimateBytes):F0}% of it)");
        string md5;
        using (var s = new FileStream(image.TempPath, FileMode.Open, FileAccess.Read))
        {
            var bar = new Progress("md5sum", actual);
            md5 = Md5.HashHex(s, bar.Add);
            bar.Finish();
        }
        using (var sum = new AtomicOutput(target.NewMd5))
        {
            File.WriteAllText(sum.TempPath, $"{md5}  {Path.GetFileName(target.New)}\n");
            sum.Commit(replace: true);
        }
        if (target.RootPersistence) NewRootfs(target, force);
        image.Commit(replace: force);
        say.Step($"wrote {target.New} and {Path.GetFileName(target.NewMd5)} (md5 {md5})");
        say.Step($"reboot to use it: the boot renames {target.ImageName} to {target.ImageName}.old and "
            + $"{target.ImageName}.new to "
                 + $"{target.ImageName}; boot with 'rollback' to return to the old one");
        return 0;
    }

    /// <summary>With root persistence on, the new image starts with an empty root layer: rootfs.new, the size of
    /// the current rootfs, with upperdir/ and workdir/.</summary>
    private void NewRootfs(RemasterTarget target, bool force)
    {
        var current = Path.Combine(target.Directory, "rootfs");
        var next = current + ".new";
        if (File.Exists(next) && !force) throw new ToolFailure($"{next} already exists; add --force to replace it");
        var bytes = File.Exists(current) ? new FileInfo(current).Length : 256L << 20;
        using var o = new AtomicOutput(next);
        File.WriteAllBytes(o.TempPath, []);
        FileSpace.Extend(o.TempPath, bytes, "allocating rootfs.new");
        Ext4Tools.Make(o.TempPath, "rootfs", Backstore.BackingStore.Layout, say);
        FileSpace.Reserve(o.TempPath);
        o.Commit(replace: force);
        say.Step($"wrote an empty {next} ({bytes >> 20} MiB): root persistence starts afresh with the new image");
    }

    private static long RootfsBytes(RemasterTarget target)
    {
        if (!target.RootPersistence) return 0;
        var current = Path.Combine(target.Directory, "rootfs");
        return File.Exists(current) ? new FileInfo(current).Length : 256L << 20;
    }
}
