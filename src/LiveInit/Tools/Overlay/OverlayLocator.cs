using LiveInit.Devices.DeviceMapper;
using LiveInit.Dialects;
using LiveInit.Native;
using LiveInit.Plan;
using LiveInit.Tools.Common;

namespace LiveInit.Tools.Overlay;

/// <summary>The running dm-snapshot root (live-rw): its status, its table, the file behind its COW.</summary>
public sealed record RunningSnapshot(string Name, SnapshotStatus Status, SnapshotTable? Table, string? CowFile);

/// <summary>Finds the pieces of a Fedora LiveOS overlay in the running system: the live-rw snapshot and its COW
/// file, the persistent overlay files on the mounted media, and the root image (LiveOS/rootfs.img inside
/// squashfs.img) that a COW belongs to.</summary>
public sealed class OverlayLocator(LiveSystem system)
{
    public const string SnapshotName = "live-rw";
    public const string ImageMount = DracutLiveDialect.ImageMount, MediumMount = DracutLiveDialect.BootMount,
        OverlayDeviceMount = "/run/initramfs/overlayfs-device";

    public LiveSystem System { get; } = system;

    public string LiveDir => System.Plan?.Writable is LiveOsOverlay o ? o.LiveDir : "LiveOS";

    /// <summary>live-rw as the kernel has it, or null when there is no such device.</summary>
    public RunningSnapshot? Running()
    {
        if (!File.Exists("/dev/mapper/control") && !Directory.Exists("/sys/class/misc/device-mapper")) return null;
        string status, table;
        try
        {
            status = DmDevice.Status(SnapshotName);
            table = DmDevice.Table(SnapshotName);
        }
        catch (IOException) { return null; }
        var s = SnapshotStatus.Parse(status) ?? new SnapshotStatus(0, 0, 0, status);
        var t = SnapshotTable.Parse(table);
        return new RunningSnapshot(SnapshotName, s, t, t is null ? null : BackingFile(t.Cow));
    }

    /// <summary>The file behind a loop device given as major:minor, from sysfs.</summary>
    public static string? BackingFile(string majorMinor)
    {
        var p = $"/sys/dev/block/{majorMinor}/loop/backing_file";
        return File.Exists(p) ? File.ReadAllText(p).Trim() : null;
    }

    /// <summary>Persistent overlay files (LiveOS/overlay-*) or folders on the media mounted by the boot.</summary>
    public List<string> MediaOverlays()
    {
        var found = new List<string>();
        var rel = System.Plan?.Writable is LiveOsOverlay { OverlayPath: { } p } ? p : null;
        foreach (var mp in new[] { OverlayDeviceMount, MediumMount }.Distinct())
        {
            if (System.Mounts.At(mp) is null) continue;
            if (rel is not null) { if (Libc.TryLstat(Path.Combine(mp, rel), out _)) found.Add(Path.Combine(mp,
                rel)); continue; }
            var dir = Path.Combine(mp, LiveDir);
            if (!Directory.Exists(dir)) continue;
            found.AddRange(Directory.GetFileSystemEntries(dir, "overlay-*").Order(StringComparer.Ordinal));
        }
        return found.Distinct().ToList();
    }

    /// <summary>The overlay the user named, or the only one on the media.</summary>
    public string Overlay(string? given)
    {
        if (given is not null)
        {
            var full = Path.GetFullPath(given);
            if (!Libc.TryStat(full, out _)) throw new ToolFailure($"{full} does not exist");
            return full;
        }
        var all = MediaOverlays();
        return all.Count switch
        {
            1 => all[0],
            0 => throw new ToolFailure($"no persistent overlay ({LiveDir}/overlay-LABEL-UUID) on the mounted media "
                + $"({MediumMount}, "
                                       + $"{OverlayDeviceMount}); give its path"),
            _ => throw new ToolFailure($"more than one overlay: {string.Join(", ", all)}; give the one you mean"),
        };
    }

    /// <summary>The loop devices a COW file is attached to (in use by a snapshot, ours or the running root's).</summary>
    public static List<string> InUse(string file) => LoopBacking.DevicesOf(file);

    /// <summary>The origin image of the overlays: --image (a rootfs.img, or a squashfs.img holding one), else the
    /// rootfs.img of the image the boot mounted, else the medium's squashfs.img. <paramref name="cleanup"/> unmounts
    /// what had to be mounted for it.</summary>
    public string Origin(string? given, out IDisposable? cleanup)
    {
        cleanup = null;
        if (given is null)
        {
            foreach (var inner in new[] { "LiveOS/rootfs.img", "LiveOS/ext3fs.img" })
                if (File.Exists(Path.Combine(ImageMount, inner))) return Path.Combine(ImageMount, inner);
            given = Path.Combine(MediumMount, LiveDir, SquashImage);
        }
        var full = Path.GetFullPath(given);
        if (!File.Exists(full)) throw new ToolFailure($"the root image {full} does not exist; give it with --image");
        if (ExtSuperblock.Read(full) is not null) return full;
        var mp = $"/run/liveinit/image-{Environment.ProcessId}";
        Libc.MkdirAll(mp);
        using (var loop = Devices.LoopDevice.Attach(full, readOnly: true))
            try { Libc.Mount(loop.Path, mp, "squashfs", Libc.MS_RDONLY, null); }
            catch (NativeException e) { throw new ToolFailure($"{full} is neither an ext image nor a squashfs "
                + $"holding LiveOS/rootfs.img ({e.Message})"); }
        cleanup = new Unmount(mp, Interruption.OnInterrupt(() => { Libc.TryUmount(mp,
            Libc.MNT_DETACH); Libc.TryRmdir(mp); }));
        foreach (var inner in new[] { "LiveOS/rootfs.img", "LiveOS/ext3fs.img" })
            if (File.Exists(Path.Combine(mp, inner))) return Path.Combine(mp, inner);
        cleanup.Dispose();
        cleanup = null;
        throw new ToolFailure($"{full} holds no LiveOS/rootfs.img: it is a flat image, whose overlays are overlayfs "
            + "folders, not dm-snapshot files");
    }

    public string SquashImage => System.Plan is { Dialect: "dracut" } p && p.Image.Candidates.Count > 0
        ? Path.GetFileName(p.Image.Candidates[0]) : "squashfs.img";

    private sealed class Unmount(string mp, IDisposable interrupt) : IDisposable
    {
        public void Dispose() { interrupt.Dispose(); Libc.TryUmount(mp, Libc.MNT_DETACH); Libc.TryRmdir(mp); }
    }
}
