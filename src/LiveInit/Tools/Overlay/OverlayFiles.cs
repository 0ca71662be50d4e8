using LiveInit.Devices;
using LiveInit.Devices.DeviceMapper;
using LiveInit.Media;
using LiveInit.Native;
using LiveInit.Tools.Common;

namespace LiveInit.Tools.Overlay;

/// <summary>
/// <c>liveinit overlay create|resize|reset|recover</c> for Fedora LiveOS persistent overlays (seed: the LiveOS
/// image page; livecd-iso-to-disk --overlay-size-mb / --home-size-mb). An overlay file is a dm-snapshot COW; its
/// first 64 KiB zeroed means "new and empty". Nothing here touches an overlay the running root uses, except
/// resize, which grows it online.
/// </summary>
public sealed class OverlayFiles(OverlayLocator where, Say say)
{
    /// <summary>LiveOS/overlay-LABEL-UUID (a zeroed COW file of N MiB, or with --overlayfs a folder and its sibling
    /// ovlwork) on DEVICE, and LiveOS/home.img (ext4) when asked for.</summary>
    public int Create(string device, long sizeMiB, long? homeMiB, bool overlayfs)
    {
        using var dev = DeviceMount.Writable(device, where.System.Mounts, say);
        if (dev.Label is null || dev.Uuid is null)
            throw new ToolFailure($"{device} has no filesystem LABEL or UUID, which the overlay's name needs "
                + "(overlay-LABEL-UUID); set a label first");
        var name = $"overlay-{dev.Label}-{dev.Uuid}";
        using var medium = MediumRoot.Open(dev.MountPoint);
        using (medium.EnsureDirectory(where.LiveDir)) { }
        var rel = $"{where.LiveDir}/{name}";
        var dir = Path.Combine(dev.MountPoint, where.LiveDir);
        if (medium.Lookup(rel).Kind != EntryKind.Missing)
            throw new ToolFailure($"{Path.Combine(dir, name)} already exists; grow it with 'liveinit overlay resize' "
                + "or empty it with 'liveinit overlay reset'");
        if (homeMiB is not null && medium.Lookup($"{where.LiveDir}/home.img").Kind != EntryKind.Missing)
            throw new ToolFailure($"{dir}/home.img already exists; nothing was created");
        FileSpace.Require(dir, ((overlayfs ? 0 : sizeMiB) + (homeMiB ?? 0)) << 20, "the overlay" + (homeMiB is null
            ? "" : " and home.img"));
        if (overlayfs)
        {
            using (medium.EnsureDirectory(rel)) { }
            using (medium.EnsureDirectory($"{where.LiveDir}/ovlwork")) { }
            say.Step($"created the overlayfs overlay {dir}/{name}/ (work folder {dir}/ovlwork); boot with "
                     + $"rd.live.overlay=UUID={dev.Uuid} rd.live.overlay.overlayfs");
        }
        else
        {
            using (var o = new AtomicOutput(Path.Combine(dir, name)))
            {
                File.WriteAllBytes(o.TempPath, []);
                FileSpace.Extend(o.TempPath, sizeMiB << 20, "allocating");
                o.Commit();
            }
            say.Step($"created {dir}/{name} ({sizeMiB} MiB, empty); boot with rd.live.overlay=UUID={dev.Uuid}");
        }
        if (homeMiB is { } h)
        {
            using var o = new AtomicOutput(Path.Combine(dir, "home.img"));
            File.WriteAllBytes(o.TempPath, []);
            FileSpace.Extend(o.TempPath, h << 20, "allocating");
            Ext4Tools.Make(o.TempPath, "home", [], say);
            FileSpace.Reserve(o.TempPath);
            o.Commit();
            say.Step($"created {dir}/home.img ({h} MiB ext4), mounted on /home at boot");
        }
        return 0;
    }

    /// <summary>Grows a COW file (never shrinks). In use by live-rw: online, the snapshot sees the new size at
    /// once (the persistent store reads the COW device's size when it allocates).</summary>
    public int Resize(string? given, long sizeMiB)
    {
        var file = given is null && where.Running() is { CowFile: { } running } ? running : where.Overlay(given);
        if (Directory.Exists(file)) throw new ToolFailure($"{file} is an overlayfs folder: it grows with its "
            + "filesystem, there is nothing to resize");
        var size = new FileInfo(file).Length;
        var bytes = sizeMiB << 20;
        if (bytes < size) throw new ToolFailure($"{file} is {size >> 20} MiB; shrinking an overlay is refused (it "
            + "would lose data)");
        if (bytes == size) { say.Step($"{file} is already {sizeMiB} MiB"); return 0; }
        WritableMount.Ensure(file, where.System.Mounts, say);
        FileSpace.Require(Path.GetDirectoryName(file)!, bytes - size, $"growing {Path.GetFileName(file)}");
        var loops = OverlayLocator.InUse(file);
        say.Step($"growing {file} from {size >> 20} to {sizeMiB} MiB{(loops.Count > 0 ? " (in use: online)" : "")}");
        FileSpace.Extend(file, bytes, "extending");
        foreach (var l in loops) LoopBacking.SetCapacity(l);
        if (loops.Count > 0 && where.Running() is { Status.Invalid: false } s)
            say.Step($"live-rw now: {Say.Size(s.Status.UsedBytes)} of {Say.Size(s.Status.TotalBytes)} used "
                + $"({s.Status.Percent:F1}%)");
        return 0;
    }

    /// <summary>Empties an overlay: a COW's first 64 KiB zeroed (what dracut's rd.live.overlay.reset does), a folder
    /// overlay emptied. Refused while the running root uses it, unless <paramref name="force"/> (then everything
    /// changed since boot is dropped at the next boot).</summary>
    public int Reset(string? given, bool force)
    {
        var file = where.Overlay(given);
        WritableMount.Ensure(file, where.System.Mounts, say);
        if (Directory.Exists(file))
        {
            if (where.System.Root?.Option("upperdir") is { } up && Path.GetFullPath(up) == file)
                throw new ToolFailure($"{file} is the upper layer of the running root; boot with "
                    + "rd.live.overlay.reset to empty it");
            TreeRemover.RemoveChildren(file);
            var work = Path.Combine(Path.GetDirectoryName(file)!, "ovlwork");
            if (Directory.Exists(work)) TreeRemover.RemoveChildren(work);
            say.Step($"emptied {file}");
            return 0;
        }
        if (OverlayLocator.InUse(file) is { Count: > 0 } loops && !force)
            throw new ToolFailure($"{file} is in use ({string.Join(", ", loops)}); boot with rd.live.overlay.reset "
                + "to empty it, or add --force "
                                  + "to drop every change at the next boot");
        ZeroHeader(file);
        say.Step($"reset {file}: it starts empty at the next boot");
        return 0;
    }

    public static void ZeroHeader(string file)
    {
        using var fd = Libc.Open(file, Libc.O_WRONLY);
        var len = (int)Math.Min(SnapshotHeader.ResetBytes, Libc.Fstat(fd, file).Size);
        Libc.Write(fd, new byte[len], file);
        Libc.Fsync(fd, file);
    }

    /// <summary>The seed's overlay recovery: flip the valid word of the header back to 1, register the snapshot
    /// with device-mapper over the root image, e2fsck -f -y it (then e2fsck -p must find it clean), and enlarge the
    /// COW so it does not run out again at once. On any failure the header is put back as it was.</summary>
    public int Recover(string? given, string? image, long? addMiB)
    {
        var file = where.Overlay(given);
        if (Directory.Exists(file)) throw new ToolFailure($"{file} is an overlayfs folder; only dm-snapshot overlay "
            + "files become Invalid");
        if (OverlayLocator.InUse(file) is { Count: > 0 } loops)
            throw new ToolFailure($"{file} is in use ({string.Join(", ", loops)}), so it is not Invalid; nothing to "
                + "recover");
        var header = SnapshotHeader.Read(file);
        if (header.IsNew) throw new ToolFailure($"{file} is empty (never used, or reset): nothing to recover");
        if (!header.IsSnapshot) throw new ToolFailure($"{file} is not a dm-snapshot COW (no SnAp header)");
        if (header.Valid == 1) { say.Step($"{file} is valid; nothing to recover"); return 0; }
        WritableMount.Ensure(file, where.System.Mounts, say);
        var size = new FileInfo(file).Length;
        var add = (addMiB ?? Math.Max(16, (size >> 20) / 2)) << 20;
        FileSpace.Require(Path.GetDirectoryName(file)!, add, $"enlarging {Path.GetFileName(file)} after recovery");
        var origin = where.Origin(image, out var cleanup);
        using (cleanup)
        {
            say.Step($"marking {file} valid again (header byte 4)");
            SetValid(file, 1);
            var ok = false;
            using var interrupted = Interruption.OnInterrupt(() =>
            {
                try { DmDevice.Remove("liveinit-recover"); } catch (IOException) { }
                SetValid(file, header.Valid);
            });
            try
            {
                CheckThroughSnapshot(origin, file, (int)header.ChunkSectors);
                ok = true;
            }
            finally
            {
                if (!ok) { SetValid(file, header.Valid); say.Warn($"{file} is left as it was (marked invalid)"); }
            }
        }
        say.Step($"enlarging {file} by {add >> 20} MiB");
        FileSpace.Extend(file, size + add, "extending");
        say.Step($"recovered {file} ({(size + add) >> 20} MiB); reboot to use it, and fold it into the image with "
            + "'liveinit overlay merge' soon");
        return 0;
    }

    private void CheckThroughSnapshot(string origin, string cow, int chunk)
    {
        const string name = "liveinit-recover";
        try { DmDevice.Remove(name); } catch (IOException) { }
        using (var o = LoopDevice.Attach(origin, readOnly: true))
        using (var c = LoopDevice.Attach(cow, readOnly: false))
        {
            var sectors = (ulong)new FileInfo(origin).Length / 512;
            var target = SnapshotTarget.Create(DmDevice.DevNumber(o.Path), DmDevice.DevNumber(c.Path), sectors,
                persistent: true,
                chunk is > 0 and <= 1024 ? chunk : 8);
            try { DmDevice.Create(name, [target]); }
            catch (NativeException e) { throw new ToolFailure($"device-mapper refused the snapshot ({e.Message}); "
                + "the COW's metadata may be damaged"); }
        }
        try
        {
            var status = DmDevice.Status(name);
            if (SnapshotStatus.Parse(status) is not { Invalid: false } s)
                throw new ToolFailure($"the kernel still reports the snapshot as '{status}'");
            say.Step($"snapshot registered: {Say.Size(s.UsedBytes)} of {Say.Size(s.TotalBytes)} used");
            Ext4Tools.Check($"/dev/mapper/{name}", say, fix: true);
            Ext4Tools.Check($"/dev/mapper/{name}", say);
        }
        finally
        {
            Libc.Sync();
            try { DmDevice.Remove(name); } catch (IOException e) { say.Warn($"could not remove /dev/mapper/{name}: "
                + $"{e.Message}"); }
        }
    }

    private static void SetValid(string file, uint valid)
    {
        using var fd = Libc.Open(file, Libc.O_WRONLY);
        var b = BitConverter.GetBytes(valid);
        using (var s = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(Libc.Dup(fd, file), true),
            FileAccess.Write))
        {
            s.Position = SnapshotHeader.ValidOffset;
            s.Write(b);
            s.Flush(flushToDisk: true);
        }
    }
}
