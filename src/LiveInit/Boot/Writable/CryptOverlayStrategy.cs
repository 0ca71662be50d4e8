using LiveInit.Devices;
using LiveInit.Media;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Writable;

/// <summary>
/// dracut-ng's encrypted overlay (<c>rd.overlay.crypt</c>): the named device, waited for at most the plan's time, is
/// opened when it is LUKS (the passphrase typed on the console, bounded), or — when it is not LUKS and mkfs is on —
/// formatted: a random passphrase saved first, the old signatures wiped, LUKS2 and the filesystem made by the bundled
/// tools. The volume is mounted at <see cref="OverlayCryptPlan.BackingMount"/> and holds the upper
/// (<c>overlay/</c>) and work (<c>ovlwork/</c>) folders. Only the named device is written, never the root's or the
/// medium's device or disk, nor a device in use; every refusal or failure is one warning and RAM.
/// </summary>
public sealed class CryptOverlayStrategy(CryptOverlay layer) : WritableStrategy
{
    private const string Why = "encrypted overlay (rd.overlay.crypt)";
    private const int WipeBytes = 1 << 20;
    private readonly OverlayCryptPlan _p = layer.Crypt;
    private bool _open;

    public override string Describe() =>
        $"open {_p.Device} as {_p.MapperPath} (LUKS: passphrase typed on the console, {_p.PromptTries} tries of "
        + $"{_p.PromptSeconds} s; not LUKS: "
        + (_p.Format ? $"format it with a random passphrase saved in {_p.PasswordFile}, {_p.Filesystem}"
            : "mkfs=0, left alone")
        + $"), mount it at {_p.BackingMount}, upper {OverlayCryptPlan.UpperDir}/ and work {OverlayCryptPlan.WorkDir}/; "
        + $"RAM ({layer.Ram.MountPoint}) if absent or unusable";

    public override WritableResult? Prepare(BootContext ctx, bool snapshotRoot)
    {
        if (!File.Exists(_p.Cryptsetup))
            return Refuse(ctx, $"this initramfs has no {_p.Cryptsetup}: make it with liveinit mkinitramfs "
                               + "--overlay-crypt");
        var reg = ctx.RequireDevices();
        var found = reg.WaitFor((all, _) => DeviceMatcher.Candidates(_p.Device, all).FirstOrDefault(),
            _p.WaitSeconds, $"{_p.Device} ({Why})", ctx.Log.Notice);
        if (found is null)
            return Refuse(ctx, $"{_p.Device} did not appear within {_p.WaitSeconds} s (timeout=); nothing was written."
                               + $"\nBlock devices seen:\n{reg.Report().TrimEnd()}");
        var dev = found.Device.DevPath;
        if (Unsafe(ctx, found) is { } why) return Refuse(ctx, $"{dev} is not used: {why}; nothing was written");
        if (found.Probe.IsUnreadable)
            return Refuse(ctx, $"{dev} could not be read ({found.Probe.Problem}): what it holds is unknown, so it is "
                               + "neither opened nor formatted; nothing was written. Check the device (dmesg)");
        try { return Use(ctx, reg, found); }
        catch (Exception e) when (e is NativeException or IOException or UnauthorizedAccessException)
        {
            return Close(ctx, e.Message);
        }
    }

    private WritableResult? Use(BootContext ctx, DeviceRegistry reg, ProbedDevice found)
    {
        var dev = found.Device.DevPath;
        foreach (var m in OverlayCryptPlan.ModulesFor(CpuFlags())) ctx.Modules?.Load(m, quietIfUnknown: true);
        ChildTool.Outcome opened;
        string? fs = null;
        if (found.Type == "crypto_LUKS")
        {
            ctx.Log.Notice($"{Why}: {dev} is LUKS: type its passphrase (the boot that made it saved it in "
                           + $"{_p.PasswordFile}); {_p.PromptTries} tries, {_p.PromptSeconds} s each, then RAM");
            opened = LuksVolume.OpenAsking(_p, dev);
            _open = opened.Ok;
            if (!opened.Ok)
                return Refuse(ctx, $"{dev} was not opened: no right passphrase within {_p.PromptTries} tries of "
                                   + $"{_p.PromptSeconds} s ({opened.Why}); it is left as it was");
        }
        else if (!_p.Format)
            return Refuse(ctx, $"{dev} is not LUKS ({found.Type ?? "no known signature"}) and mkfs=0 forbids "
                               + "formatting it; nothing was written");
        else
        {
            // before a format, every device still appearing is waited for: a second disk carrying the same name
            // (a cloned stick) makes the choice ambiguous, and formatting the wrong one loses its data
            reg.Settle(500, 3000);
            var matches = DeviceMatcher.Candidates(_p.Device, reg.All);
            if (matches.Count > 1)
                return Refuse(ctx, $"{_p.Device} names {matches.Count} devices ("
                                   + string.Join(", ", matches.Select(m => m.Device.DevPath)) + "): none is formatted; "
                                   + "name one by UUID= or PARTUUID=; nothing was written");
            var err = Format(ctx, found);
            if (err is not null) return Refuse(ctx, err);
            fs = _p.Filesystem;
        }
        var node = LuksVolume.MapperNode(_p);
        if (node is null) return Close(ctx, $"{_p.MapperPath} did not appear after cryptsetup open");
        if (fs is null)
        {
            using (var src = new Probe.FileProbeSource(node)) fs = Probe.Prober.ProbeFilesystem(src).Get("TYPE");
            if (fs is null || !Mounts.CanHoldUpper(fs))
                return Close(ctx, $"{node} holds {fs ?? "no filesystem"}, not one that can keep overlay changes");
        }
        return Mount(ctx, node, fs, dev);
    }

    /// <summary>The first "flags" line of /proc/cpuinfo (empty when there is none).</summary>
    private static string CpuFlags()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo").Take(64))
                if (line.StartsWith("flags", StringComparison.Ordinal) && line.IndexOf(':') is var i and >= 0)
                    return line[(i + 1)..];
        }
        catch (IOException) { }
        return "";
    }

    /// <summary>Why the device may not be written or opened (null: it may): the boot medium (the root device),
    /// the disk holding it, a read-only device, or one in use (mounted, or held by device-mapper or md: the
    /// kernel refuses an exclusive open).</summary>
    private static string? Unsafe(BootContext ctx, ProbedDevice found)
    {
        var d = found.Device;
        if (ctx.Medium?.Device is { } medium)
        {
            if (medium.Name == d.Name) return "it is the root (boot medium) device";
            if (medium.Parent == d.Name) return $"it is the disk holding the root device {medium.DevPath}";
        }
        if (d.ReadOnly) return "it is read-only";
        var fd = Libc.TryOpen(d.DevPath, Libc.O_RDONLY | Libc.O_EXCL, out var errno);
        if (fd is null)
            return errno == Errno.EBUSY ? "it is in use (mounted, or held by another device)"
                : $"it cannot be opened ({Errno.Describe(errno)})";
        fd.Dispose();
        return null;
    }

    /// <summary>Formats the named device (not LUKS, mkfs=1): passphrase saved, signatures at both ends wiped,
    /// LUKS2 made and opened, the filesystem made inside. Null when done, else why not.</summary>
    private string? Format(BootContext ctx, ProbedDevice found)
    {
        var dev = found.Device.DevPath;
        var was = found.Type is null ? "no known filesystem" : $"{found.Type}"
            + (found.Label is null ? "" : $" LABEL={found.Label}");
        ctx.Log.Notice($"{Why}: FORMATTING {dev} ({_p.Device}, {was}) as a LUKS2 volume: it is not LUKS and "
                       + $"rd.overlay.crypt names it with mkfs=1; what it held is lost");
        string? key;
        try
        {
            key = LuksVolume.NewPassphrase();
            if (key is null)
                return $"the kernel's random pool was not ready within {LuksVolume.RandomSeconds} s: no passphrase "
                       + "could be made; nothing was written";
            LuksVolume.SavePassphrase(_p.PasswordFile, key);
        }
        catch (NativeException e) { return $"no passphrase could be made or saved ({e.Message}); nothing was written"; }
        // the probe of the device search may be seconds old: looked at again right before the first write
        var again = ProbedDevice.Of(found.Device);
        if (again.Probe.IsUnreadable || again.Type == "crypto_LUKS")
            return $"{dev} " + (again.Probe.IsUnreadable ? $"could not be read again ({again.Probe.Problem})"
                : "is LUKS now") + "; nothing was written";
        try { Wipe(dev, found.Device.SizeBytes); }
        catch (NativeException e) { return $"{dev} could not be wiped ({e.Message})"; }
        var r = LuksVolume.Format(_p, dev, key);
        if (!r.Ok) return Unmake(dev, found.Device.SizeBytes, $"LUKS was not made on {dev}: {r.Why}");
        r = LuksVolume.Open(_p, dev, key);
        if (!r.Ok) return Unmake(dev, found.Device.SizeBytes, $"the new LUKS volume on {dev} was not opened: {r.Why}");
        _open = true;
        var node = LuksVolume.MapperNode(_p);
        if (node is null)
        {
            LuksVolume.Close(_p);
            _open = false;
            return Unmake(dev, found.Device.SizeBytes, $"{_p.MapperPath} did not appear after cryptsetup open");
        }
        ctx.Log.Notice($"{Why}: {_p.Mkfs} -t {_p.Filesystem} {node}");
        r = ChildTool.Run(_p.Mkfs, ["-q", "-F", "-t", _p.Filesystem, node], 180);
        if (!r.Ok)
        {
            LuksVolume.Close(_p);
            _open = false;
            return Unmake(dev, found.Device.SizeBytes, $"no {_p.Filesystem} was made on {node}: {r.Why}");
        }
        ctx.Log.Notice($"{Why}: {dev} is LUKS2 ({_p.MapperPath}, {_p.Filesystem}); its passphrase is in "
                       + $"{_p.PasswordFile}; the volume keeps the name {_p.Device} where LUKS2 can hold it (LABEL=, "
                       + "UUID=) for the next boot");
        return null;
    }

    /// <summary>A format that failed half-way leaves a LUKS header whose only key is in RAM (lost at power-off):
    /// every later boot would ask for it in vain. The header is wiped again so that the next boot formats afresh;
    /// when even that fails, the warning says how to do it by hand.</summary>
    private static string Unmake(string dev, long size, string why)
    {
        try
        {
            Wipe(dev, size);
            return why + $"; its new LUKS header was wiped again, so the next boot formats {dev} afresh";
        }
        catch (NativeException e)
        {
            return why + $"; its new LUKS header could not be wiped ({e.Message}): its only key is lost at power-off, "
                   + $"run 'wipefs -a {dev}' before the next boot";
        }
    }

    /// <summary>Zeroes the first and last MiB of the device (where filesystem, RAID, LUKS and partition-table
    /// signatures live), through an exclusive descriptor.</summary>
    private static void Wipe(string dev, long size)
    {
        using var fd = Libc.Open(dev, Libc.O_RDWR | Libc.O_EXCL);
        var zeros = new byte[(int)Math.Min(WipeBytes, size)];
        Libc.PWrite(fd, zeros, 0, dev);
        if (size > zeros.Length) Libc.PWrite(fd, zeros, size - zeros.Length, dev);
        Libc.Fsync(fd, dev);
    }

    private WritableResult? Mount(BootContext ctx, string node, string fs, string dev)
    {
        try { Mounts.MountDevice(ctx, node, fs, _p.BackingMount, readOnly: false); }
        catch (NativeException e) { return Close(ctx, e.Message); }
        var held = new HeldMount(_p.BackingMount);
        try
        {
            using var root = MediumRoot.Open(_p.BackingMount);
            using var upper = root.EnsureDirectory(OverlayCryptPlan.UpperDir);
            using var work = root.EnsureDirectory(OverlayCryptPlan.WorkDir);
            if (!OverlayOptions.CanEscape(upper.Path + work.Path))
            {
                held.Release(ctx);
                return Close(ctx, Unusable(upper.Path));
            }
            ctx.Log.Info($"writable layer: {upper.Path} on {node} (LUKS on {dev}, persistent overlayfs)");
            return WritableResult.Overlay(upper, work, persistent: true, $"{upper.Path} on {node} (LUKS on {dev})",
                [held]);
        }
        catch (Exception e) when (e is RefusedPathException or NativeException)
        {
            held.Release(ctx);
            return Close(ctx, e.Message);
        }
    }

    /// <summary>A failure once the volume is open: it is closed again, then one warning and RAM.</summary>
    private WritableResult? Close(BootContext ctx, string why)
    {
        if (!_open) return Refuse(ctx, why);
        var r = LuksVolume.Close(_p);
        _open = !r.Ok;
        return Refuse(ctx, why + (r.Ok ? "" : $" ({_p.MapperPath} stays open: {r.Why})"));
    }

    private static WritableResult? Refuse(BootContext ctx, string why)
    {
        ctx.Log.Warn($"{Why}: {why}; {RamOnly}");
        return null;
    }
}
