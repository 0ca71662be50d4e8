using LiveInit.Devices;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>
/// Makes the writable layer ready: a tmpfs, a directory on a persistent device, an ext image file, or a
/// LiveOS overlay. Whatever goes wrong with persistence (device missing, FAT/NTFS upper, read-only or full
/// device) ends in a loud warning and a RAM layer: the system always boots, nothing is written to a place
/// the user did not choose.
/// </summary>
public sealed class PrepareWritable(WritableLayer layer) : BootStep
{
    public const string RamCow = "/run/liveinit/cow", ArchisoCow = "/run/archiso/cowspace";
    private const long MinFreeBytes = 4L << 20;

    public override string Describe() => layer switch
    {
        RamUpper r => $"mount a tmpfs (size {r.RamSize}) for upperdir/workdir",
        DirectoryUpper d => $"wait for {d.Device}, mount it read-write at {d.MountPoint} ({d.MountOptions}) and use {d.UpperDir} and {d.WorkDir}; RAM if missing, unsuitable, read-only or full",
        LoopFileUpper l => $"find /{l.FilePath} ({(l.OnBootMedium ? "on the boot medium" : l.Device?.ToString() ?? (l.Scope == ScanScope.All ? "on any device" : "on removable devices"))}), loop-mount it read-write at {l.MountPoint}, use its upperdir/workdir; RAM if absent",
        LiveOsOverlay o => o.PersistentDevice is null
            ? "LiveOS overlay in RAM (tmpfs)"
            : $"find the overlay /{o.OverlayPath ?? o.LiveDir + "/overlay-<LABEL>-<UUID>"} on {o.PersistentDevice}; a directory is an overlayfs upper (work in ../ovlwork); RAM if absent",
        _ => layer.GetType().Name,
    };

    public override void Run(BootContext ctx)
    {
        if (ctx.InnerRootfs is not null && layer is not LiveOsOverlay { ForceOverlayfs: true } && SnapshotCow(ctx, layer as LiveOsOverlay)) return;
        var ok = layer switch
        {
            DirectoryUpper d => OnDevice(ctx, d),
            LoopFileUpper l => InImageFile(ctx, l),
            LiveOsOverlay o => LiveOs(ctx, o),
            _ => true,
        };
        if (!ok || layer is RamUpper) Ram(ctx, layer.RamSize);
    }

    public static void Ram(BootContext ctx, SizeSpec size)
    {
        var cow = ctx.Plan.Dialect.StartsWith("archiso", StringComparison.Ordinal) ? ArchisoCow : RamCow;
        if (!Mounts.IsMountPoint(cow)) Mounts.MountTmpfs(cow, $"size={size.MountOption},mode=0755");
        ctx.UpperDir = Path.Combine(cow, "upperdir");
        ctx.WorkDir = Path.Combine(cow, "workdir");
        Libc.MkdirAll(ctx.UpperDir);
        Libc.MkdirAll(ctx.WorkDir);
        ctx.Log.Info($"writable layer: RAM (tmpfs {size}) at {cow}; changes are lost at power-off");
    }

    private static ProbedDevice? Find(BootContext ctx, DeviceSpec spec, string why)
    {
        var reg = ctx.RequireDevices();
        var found = reg.WaitFor((all, _) => DeviceMatcher.Candidates(spec, all).FirstOrDefault(), ctx.Plan.Medium.WaitSeconds,
            $"{spec} ({why})", ctx.Log.Notice);
        if (found is null)
            ctx.Log.Warn($"{why}: {spec} did not appear within {ctx.Plan.Medium.WaitSeconds} s; changes will be kept in RAM only.\nBlock devices seen:\n{reg.Report().TrimEnd()}");
        return found;
    }

    /// <summary>Mounts a persistence device read-write (or reuses the boot medium), checking it can hold an
    /// overlay upper. Returns the mount point or null (reason logged).</summary>
    private static string? MountWritable(BootContext ctx, ProbedDevice dev, string mountPoint, string options, string why)
    {
        if (dev.Type is null) { ctx.Log.Warn($"{why}: {dev.Device.DevPath} holds no filesystem; changes will be kept in RAM only"); return null; }
        if (!Mounts.CanHoldUpper(dev.Type))
        {
            ctx.Log.Warn($"{why}: {dev.Device.DevPath} is {dev.Type}, which cannot hold overlayfs changes (no POSIX permissions, links or whiteouts). "
                         + "Use an ext4, xfs or btrfs partition; changes will be kept in RAM only");
            return null;
        }
        string mp;
        if (ctx.Medium is not null && ctx.Medium.Device.Name == dev.Device.Name)
        {
            mp = ctx.Plan.Medium.MountPoint;
            var err = Libc.TryMount(null, mp, null, Libc.MS_REMOUNT, null);
            if (err != 0) { ctx.Log.Warn($"{why}: the boot medium cannot be made writable ({Errno.Describe(err)}); changes will be kept in RAM only"); return null; }
        }
        else
        {
            mp = mountPoint;
            try { Mounts.MountDevice(ctx, dev.Device.DevPath, dev.Type, mp, readOnly: false, options); }
            catch (NativeException e) { ctx.Log.Warn($"{why}: {e.Message}; changes will be kept in RAM only"); return null; }
        }
        var fs = Libc.Statfs(mp);
        string? problem = null;
        if ((fs.Flags & StatfsBuf.ST_RDONLY) != 0)
            problem = $"{dev.Device.DevPath} is read-only (write-protect switch, or a filesystem error)";
        else if ((long)fs.BlocksAvailable * fs.BlockSize < MinFreeBytes)
            problem = $"{dev.Device.DevPath} is full ({(long)fs.BlocksAvailable * fs.BlockSize / 1024} KiB free); free some space there";
        if (problem is null) return mp;
        ctx.Log.Warn($"{why}: {problem}. Changes will be kept in RAM only");
        if (mp != ctx.Plan.Medium.MountPoint) Libc.TryUmount(mp);
        return null;
    }

    private static bool UseDirs(BootContext ctx, string upper, string work, string why)
    {
        try
        {
            Libc.MkdirAll(upper);
            Libc.MkdirAll(work);
        }
        catch (NativeException e)
        {
            ctx.Log.Warn($"{why}: {e.Message}; changes will be kept in RAM only");
            return false;
        }
        ctx.UpperDir = upper;
        ctx.WorkDir = work;
        return true;
    }

    private static bool OnDevice(BootContext ctx, DirectoryUpper d)
    {
        const string why = "persistence (cow_label/cow_device)";
        var dev = Find(ctx, d.Device, why);
        if (dev is null) return false;
        var mp = MountWritable(ctx, dev, d.MountPoint, d.MountOptions, why);
        if (mp is null) return false;
        if (!UseDirs(ctx, Path.Combine(mp, d.UpperDir), Path.Combine(mp, d.WorkDir), why)) return false;
        ctx.Log.Info($"writable layer: {mp}/{d.UpperDir} on {dev.Device.DevPath} (persistent)");
        return true;
    }

    private static bool InImageFile(BootContext ctx, LoopFileUpper l)
    {
        var why = $"persistence file /{l.FilePath}";
        ctx.EnsureMountTree(l.MountPoint);
        string? file = null;
        if (l.OnBootMedium)
        {
            var path = Path.Combine(ctx.Plan.Medium.MountPoint, l.FilePath);
            if (File.Exists(path) && ctx.Medium is not null && MountWritable(ctx, ctx.Medium, ctx.Plan.Medium.MountPoint, "defaults", why) is not null)
                file = path;
        }
        else file = Search(ctx, l);
        if (file is null)
        {
            ctx.Log.Info($"no {why} found; changes will be kept in RAM only");
            return false;
        }
        try { Mounts.MountImage(ctx, file, l.MountPoint, readOnly: false); }
        catch (Exception e) when (e is IOException or BootFailure)
        {
            ctx.Log.Warn($"{why}: {file} cannot be used ({e.Message}); changes will be kept in RAM only");
            return false;
        }
        if (!UseDirs(ctx, Path.Combine(l.MountPoint, "upperdir"), Path.Combine(l.MountPoint, "workdir"), why)) return false;
        ctx.Log.Info($"writable layer: {file} mounted at {l.MountPoint} (persistent)");
        return true;
    }

    /// <summary>The first device in scope holding the file (the boot medium included), mounted read-write.</summary>
    private static string? Search(BootContext ctx, LoopFileUpper l)
    {
        var reg = ctx.RequireDevices();
        // a search cannot wait for a name: let devices that are still arriving (USB) settle first
        reg.Settle(quietMs: 1500, maxMs: Math.Min(ctx.Plan.Medium.WaitSeconds, 10) * 1000);
        if (ctx.Medium is not null && File.Exists(Path.Combine(ctx.Plan.Medium.MountPoint, l.FilePath)))
            return MountWritable(ctx, ctx.Medium, ctx.Plan.Medium.MountPoint, "defaults", "backing store") is { } m ? Path.Combine(m, l.FilePath) : null;
        const string probe = "/run/liveinit/search";
        foreach (var d in reg.All.Where(d => d.Type is not null && d.Probe.Get("USAGE") == "filesystem" && Mounts.CanHoldUpper(d.Type!)
                                             && (l.Scope == ScanScope.All || d.Device.IsRemovableLike)
                                             && d.Device.Name != ctx.Medium?.Device.Name)
                     .OrderBy(d => d.Device.Name, StringComparer.Ordinal))
        {
            try { Mounts.MountDevice(ctx, d.Device.DevPath, d.Type!, probe, readOnly: false); }
            catch (NativeException) { continue; }
            if (File.Exists(Path.Combine(probe, l.FilePath)))
            {
                var target = Path.Combine("/run/liveinit/store", d.Device.Name);
                Libc.MkdirAll(target);
                Libc.Mount(probe, target, null, Libc.MS_MOVE, null);
                ctx.Log.Info($"found /{l.FilePath} on {d.Device.DevPath}");
                return Path.Combine(target, l.FilePath);
            }
            Libc.TryUmount(probe);
        }
        return null;
    }

    public const string RamCowDir = "/run/initramfs/overlay";

    /// <summary>COW space for a dm-snapshot root over the image's inner ext image: the persistent overlay
    /// file (dracut rd.live.overlay, reset on request) or a sparse file in RAM. False when the persistent
    /// overlay is a directory: that means overlayfs, as in dracut.</summary>
    private static bool SnapshotCow(BootContext ctx, LiveOsOverlay? o)
    {
        if (o?.PersistentDevice is not null)
        {
            const string why = "persistent overlay (rd.live.overlay)";
            var dev = Find(ctx, o.PersistentDevice, why);
            var mp = dev is null ? null : MountWritable(ctx, dev, "/run/initramfs/overlayfs-device", "defaults", why);
            if (dev is not null && mp is not null)
            {
                var rel = o.OverlayPath ?? $"{o.LiveDir}/overlay-{dev.Label}-{dev.Uuid}";
                var path = Path.Combine(mp, rel);
                if (Directory.Exists(path)) return false;
                if (File.Exists(path) && o.ReadOnly)
                    ctx.Log.Warn($"rd.live.overlay.readonly: {path} is not used read-only by LiveInit yet; changes go to RAM");
                else if (File.Exists(path))
                {
                    if (o.Reset)
                    {
                        ctx.Log.Notice($"rd.live.overlay.reset: clearing the snapshot header of {path}");
                        using var f = new FileStream(path, FileMode.Open, FileAccess.Write);
                        f.Write(new byte[64 * 1024]);
                        f.Flush(true);
                    }
                    ctx.CowFile = path;
                    ctx.CowPersistent = true;
                    ctx.Log.Info($"writable layer: dm-snapshot COW file {path} on {dev.Device.DevPath} (persistent)");
                    return true;
                }
                else ctx.Log.Warn($"{why}: /{rel} does not exist on {dev.Device.DevPath}; create it (a blank file of the COW size, or a directory for overlayfs). Changes will be kept in RAM only");
            }
        }
        RamSnapshotCow(ctx, o is not null ? (long)o.RamOverlayMiB << 20 : 32L << 30);
        return true;
    }

    public static void RamSnapshotCow(BootContext ctx, long bytes)
    {
        if (!Mounts.IsMountPoint(RamCowDir)) Mounts.MountTmpfs(RamCowDir, "mode=0755");
        var file = Path.Combine(RamCowDir, $"cow-{Environment.TickCount64}");
        using (var f = new FileStream(file, FileMode.CreateNew, FileAccess.Write)) f.SetLength(bytes);
        ctx.CowFile = file;
        ctx.CowPersistent = false;
        ctx.Log.Info($"writable layer: dm-snapshot COW in RAM (sparse {bytes >> 20} MiB file on tmpfs); changes are lost at power-off");
    }

    private static bool LiveOs(BootContext ctx, LiveOsOverlay o)
    {
        if (o.PersistentDevice is null) return false;
        const string why = "persistent overlay (rd.live.overlay)";
        var dev = Find(ctx, o.PersistentDevice, why);
        if (dev is null) return false;
        var mp = MountWritable(ctx, dev, "/run/initramfs/overlayfs-device", "defaults", why);
        if (mp is null) return false;
        var rel = o.OverlayPath ?? $"{o.LiveDir}/overlay-{dev.Label}-{dev.Uuid}";
        var path = Path.Combine(mp, rel);
        if (File.Exists(path))
        {
            ctx.Log.Warn($"{why}: /{rel} is a file (a dm-snapshot COW); LiveInit uses overlayfs directories. "
                         + $"Create the directory /{rel} and /{Path.GetDirectoryName(rel)}/ovlwork instead; changes will be kept in RAM only");
            return false;
        }
        var work = Path.Combine(Path.GetDirectoryName(path)!, "ovlwork");
        if (o.Reset && Directory.Exists(path))
        {
            ctx.Log.Notice($"rd.live.overlay.reset: emptying {path}");
            Directory.Delete(path, recursive: true);
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
        if (o.ReadOnly)
        {
            if (Directory.Exists(path)) ctx.LowerDirs.Insert(0, path);
            ctx.Log.Info($"rd.live.overlay.readonly: {path} is a read-only layer; changes go to RAM");
            return false;
        }
        if (!UseDirs(ctx, path, work, why)) return false;
        ctx.Log.Info($"writable layer: {path} on {dev.Device.DevPath} (persistent overlayfs)");
        return true;
    }
}
