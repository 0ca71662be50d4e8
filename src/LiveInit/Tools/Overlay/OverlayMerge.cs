using LiveInit.Devices;
using LiveInit.Devices.DeviceMapper;
using LiveInit.Native;
using LiveInit.Tools.Common;

namespace LiveInit.Tools.Overlay;

/// <summary>
/// <c>liveinit overlay merge</c>: folds a persistent overlay into a new root image, by the seed's mirror method.
/// A read-only snapshot of the image's LiveOS/rootfs.img with the overlay as COW ("ori") is mirrored by
/// device-mapper onto a fresh file of the same size (mirror core 2 32 sync 2 ori 0 new 0), which e2fsck then
/// checks. The result replaces LiveOS/squashfs.img (recompressed by mksquashfs; default xz as the seed) or is left
/// as an uncompressed LiveOS/rootfs.img; then the overlay is reset. Space on the work folder and the medium is
/// computed up front, before anything is written; every output is renamed into place only when complete.
/// The overlay must not be in use (boot without rd.live.overlay for the merge).
/// </summary>
public sealed class OverlayMerge(OverlayLocator where, Say say)
{
    private const string Ori = "liveinit-merge-ori", Mir = "liveinit-merge-mir";

    public int Run(string? given, string? image, string? work, bool toRootfs, string compression, string? level)
    {
        var cow = where.Overlay(given);
        if (Directory.Exists(cow)) throw new ToolFailure($"{cow} is an overlayfs folder: merge folds dm-snapshot "
            + "overlay files");
        if (OverlayLocator.InUse(cow) is { Count: > 0 } loops)
            throw new ToolFailure($"{cow} is in use ({string.Join(", ", loops)}): the running root writes to it. "
                + "Boot without "
                                  + "rd.live.overlay (changes in RAM) and run the merge from there");
        var header = SnapshotHeader.Read(cow);
        if (header.IsNew) throw new ToolFailure($"{cow} is empty: nothing to merge");
        if (!header.IsSnapshot) throw new ToolFailure($"{cow} is not a dm-snapshot COW (no SnAp header)");
        if (header.Valid != 1) throw new ToolFailure($"{cow} is marked Invalid; run 'liveinit overlay recover' first");
        var liveDir = Path.GetDirectoryName(cow)!;
        var squash = Path.GetFullPath(image ?? Path.Combine(liveDir, where.SquashImage));
        if (!File.Exists(squash)) throw new ToolFailure($"the image {squash} does not exist; give it with --image");
        var mediumDir = Path.GetDirectoryName(squash)!;
        if (ExtSuperblock.Read(squash) is not null) toRootfs = true;   // the image is already uncompressed
        var rootfsOut = Path.Combine(mediumDir, "rootfs.img");
        if (toRootfs && File.Exists(rootfsOut) && rootfsOut != squash)
            throw new ToolFailure($"{rootfsOut} already exists; move it away first");
        WritableMount.Ensure(mediumDir, where.System.Mounts, say);
        var origin = where.Origin(squash, out var originMount);
        using (originMount)
        {
            var originBytes = new FileInfo(origin).Length;
            var sectors = (ulong)originBytes / 512;
            Cleanup();
            var workRoot = toRootfs ? null : Path.Combine(Path.GetFullPath(work ?? "/tmp"),
                $"liveinit-merge-{Environment.ProcessId}");
            using var rootfsResult = toRootfs ? new AtomicOutput(rootfsOut) : null;
            using var interrupted = Interruption.OnInterrupt(() =>
            {
                Cleanup();
                if (workRoot is not null) TreeRemover.Remove(workRoot);
            });
            try
            {
                using (var o = LoopDevice.Attach(origin, readOnly: true))
                using (var c = LoopDevice.Attach(cow, readOnly: true))
                    DmDevice.Create(Ori, [SnapshotTarget.Create(DmDevice.DevNumber(o.Path),
                        DmDevice.DevNumber(c.Path), sectors, true,
                        header.ChunkSectors is > 0 and <= 1024 ? (int)header.ChunkSectors : 8)], readOnly: true);
                var used = SnapshotStatus.Parse(DmDevice.Status(Ori))
                    ?? throw new ToolFailure($"the snapshot of {cow} reports '{DmDevice.Status(Ori)}'");
                say.Step($"merging {Path.GetFileName(cow)} ({Say.Size(used.UsedBytes)} of changes) into "
                    + $"{Path.GetFileName(origin)} ({Say.Size(originBytes)})");
                CheckSpace(toRootfs, workRoot, mediumDir, squash, originBytes, used.UsedBytes);
                string newFs;
                if (toRootfs) newFs = rootfsResult!.TempPath;
                else
                {
                    Directory.CreateDirectory(Path.Combine(workRoot!, "LiveOS"));
                    newFs = Path.Combine(workRoot!, "LiveOS", Path.GetFileName(origin));
                }
                File.WriteAllBytes(newFs, []);
                FileSpace.Extend(newFs, originBytes, "allocating");
                Mirror(newFs, sectors);
                Ext4Tools.Check(newFs, say, fix: true);
                Ext4Tools.Check(newFs, say);
                if (toRootfs)
                {
                    rootfsResult!.Commit(replace: squash == rootfsOut);
                    if (squash != rootfsOut) { Libc.Unlink(squash); say.Step($"removed {squash}: the root is now "
                        + $"{rootfsOut}"); }
                }
                else
                {
                    using var squashResult = new AtomicOutput(squash);
                    say.Step($"compressing the merged root into {squash} ({compression})");
                    Mksquashfs.Run(workRoot!, squashResult.TempPath, Mksquashfs.Compression(compression, level),
                        "recompress the merged root", say);
                    squashResult.Commit(replace: true);
                }
            }
            finally
            {
                Cleanup();
                if (workRoot is not null) TreeRemover.Remove(workRoot);
            }
        }
        OverlayFiles.ZeroHeader(cow);
        say.Step($"reset {cow}: the next boot starts from the merged image with an empty overlay");
        return 0;
    }

    /// <summary>Refuses before anything is written: the work folder needs the image's full size; the medium needs
    /// the new squashfs (at most the old one plus the changes) beside the old one, or the uncompressed image.</summary>
    internal static void CheckSpace(bool toRootfs, string? workRoot, string mediumDir, string squash,
        long originBytes, long changes)
    {
        if (toRootfs) { FileSpace.Require(mediumDir, originBytes, "the merged, uncompressed rootfs.img"); return; }
        var work = Path.GetDirectoryName(workRoot!)!;
        if (!Directory.Exists(work)) throw new ToolFailure($"the work folder {work} does not exist");
        var estimate = new FileInfo(squash).Length + changes;
        if (Libc.Stat(work).Dev == Libc.Stat(mediumDir).Dev)
            FileSpace.Require(work, originBytes + estimate, "the merged image and its compressed copy");
        else
        {
            FileSpace.Require(work, originBytes, $"the merged image in {work} (choose a bigger place with --work)");
            FileSpace.Require(mediumDir, estimate, "the new squashfs.img next to the old one");
        }
    }

    private void Mirror(string newFs, ulong sectors)
    {
        using var n = LoopDevice.Attach(newFs, readOnly: false);
        var table = new DmTarget(0, sectors, "mirror", $"core 2 32 sync 2 /dev/mapper/{Ori} 0 {n.Path} 0");
        try { DmDevice.Create(Mir, [table]); }
        catch (NativeException e) when (e.Code is Errno.EINVAL or Errno.ENOENT)
        {
            // the mirror target lives in dm-mirror, which the kernel may not have loaded
            if (ExternalTool.Find("modprobe") is { } modprobe) ExternalTool.Run(modprobe, ["dm-mirror"]);
            try { DmDevice.Create(Mir, [table]); }
            catch (NativeException e2)
            {
                throw new ToolFailure($"device-mapper refused the mirror ({e2.Message}); the kernel needs the "
                    + "dm-mirror module (modprobe dm-mirror)");
            }
        }
        var bar = new Progress("mirroring", 0, bytes: false);
        var started = Environment.TickCount64;
        long lastDone = -1, lastChange = started;
        while (true)
        {
            var st = MirrorStatus.Parse(DmDevice.Status(Mir)) ?? throw new ToolFailure($"unexpected mirror status "
                + $"'{DmDevice.Status(Mir)}'");
            if (st.Failed) throw new ToolFailure($"the mirror reports a failed leg ({st.Health}); the image or the "
                + "overlay cannot be read");
            if (bar.Total != st.Regions) bar = new Progress("mirroring", st.Regions, bytes: false);
            bar.Report(st.InSync);
            if (st.Done) break;
            if (st.InSync != lastDone) { lastDone = st.InSync; lastChange = Environment.TickCount64; }
            else if (Environment.TickCount64 - lastChange > 120_000) throw new ToolFailure("the mirror made no "
                + "progress for 2 minutes");
            Thread.Sleep(250);
        }
        bar.Finish();
        say.Step($"mirrored in {(Environment.TickCount64 - started) / 1000.0:F1} s");
        DmDevice.Remove(Mir);
    }

    private static void Cleanup()
    {
        foreach (var name in new[] { Mir, Ori })
            try { DmDevice.Remove(name); } catch (IOException) { }
    }
}
