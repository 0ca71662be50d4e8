using LiveInit.Devices;
using LiveInit.Media;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Writable;

/// <summary>
/// A device the plan writes to (persistence partition, the device holding a backing store), on its way to being
/// written: found, looked into read-only without journal replay (<see cref="Mounts.MountToLook"/>: nothing is
/// written while looking), then made writable only once what the plan needs on it is known to be usable. The boot
/// medium is looked into where it is already mounted. Every refusal is one warning ending in
/// <see cref="WritableStrategy.RamOnly"/>, and undoes what was mounted.
/// </summary>
internal sealed class PersistenceDevice
{
    private const long MinFreeBytes = 4L << 20;
    private readonly string _why;
    private HeldMount? _held;

    private PersistenceDevice(ProbedDevice device, string mountPoint, bool isMedium, string why, HeldMount? held)
    {
        Device = device;
        MountPoint = mountPoint;
        IsMedium = isMedium;
        _why = why;
        _held = held;
    }

    public ProbedDevice Device { get; }
    public string MountPoint { get; }
    public bool IsMedium { get; }
    public string DevPath => Device.Device.DevPath;

    /// <summary>What was mounted (or remounted read-write) for this device, for
    /// <see cref="WritableResult.Mounted"/>.</summary>
    public IReadOnlyList<HeldMount> Mounted => _held is null ? [] : [_held];

    /// <summary>Waits for the device the plan names; null (and a warning listing the devices) when it never
    /// comes.</summary>
    public static ProbedDevice? Find(BootContext ctx, DeviceSpec spec, string why)
    {
        var reg = ctx.RequireDevices();
        var wait = ctx.Plan.Medium.WaitSeconds;
        var found = reg.WaitFor((all, _) => DeviceMatcher.Candidates(spec, all).FirstOrDefault(), wait,
            $"{spec} ({why})", ctx.Log.Notice);
        if (found is null)
            ctx.Log.Warn($"{why}: {spec} did not appear within {wait} s; {WritableStrategy.RamOnly}.\n"
                         + $"Block devices seen:\n{reg.Report().TrimEnd()}");
        return found;
    }

    /// <summary>Mounts <paramref name="dev"/> read-only without journal replay at <paramref name="mountPoint"/> to
    /// look into it (the boot medium: its own mount). Null and a warning when it cannot be mounted.</summary>
    public static PersistenceDevice? Look(BootContext ctx, ProbedDevice dev, string mountPoint, string why)
    {
        if (IsBootMedium(ctx, dev)) return new(dev, ctx.Plan.Medium.MountPoint, true, why, null);
        if (dev.Type is null)
        {
            ctx.Log.Warn($"{why}: {dev.Device.DevPath} holds no filesystem; {WritableStrategy.RamOnly}");
            return null;
        }
        ctx.EnsureMountTree(mountPoint);
        try { Mounts.MountToLook(ctx, dev.Device.DevPath, dev.Type, mountPoint); }
        catch (NativeException e)
        {
            ctx.Log.Warn($"{why}: {e.Message}; {WritableStrategy.RamOnly}");
            return null;
        }
        return new(dev, mountPoint, false, why, new HeldMount(mountPoint));
    }

    /// <summary>The device a search chose (not mounted yet): <see cref="MakeWritable"/> mounts it read-write.</summary>
    public static PersistenceDevice Chosen(BootContext ctx, ProbedDevice dev, string mountPoint, string why) =>
        IsBootMedium(ctx, dev)
            ? new(dev, ctx.Plan.Medium.MountPoint, true, why, null)
            : new(dev, mountPoint, false, why, null);

    public static bool IsBootMedium(BootContext ctx, ProbedDevice dev) => ctx.Medium?.Device.Name == dev.Device.Name;

    public MediumRoot Open() => MediumRoot.Open(MountPoint);

    /// <summary>At least 4 MiB free (checked on the look-only mount), on a filesystem that can be written at all;
    /// else a warning, and false.</summary>
    public bool HasRoom(BootContext ctx)
    {
        if (Device.Type is "iso9660" or "udf")
        {
            Refuse(ctx, $"{DevPath} is {Device.Type}, read-only by nature");
            return false;
        }
        var fs = Libc.Statfs(MountPoint);
        var free = (long)fs.BlocksAvailable * fs.BlockSize;
        if (free >= MinFreeBytes) return true;
        Refuse(ctx, $"{DevPath} is full ({free / 1024} KiB free); free some space there");
        return false;
    }

    /// <summary>Makes the device writable: the look-only mount is replaced by a read-write one (journal replayed
    /// now: this device is the one chosen), the boot medium is remounted read-write. False (a warning; mounts
    /// undone) when it stays read-only.</summary>
    public bool MakeWritable(BootContext ctx, string options)
    {
        if (IsMedium)
        {
            if ((Libc.Statfs(MountPoint).Flags & StatfsBuf.ST_RDONLY) != 0)
            {
                if (Device.Type is "iso9660" or "udf")
                {
                    Refuse(ctx, $"{DevPath} is {Device.Type}, read-only by nature");
                    return false;
                }
                var err = Libc.TryMount(null, MountPoint, null, Libc.MS_REMOUNT, null);
                if (err != 0)
                {
                    Refuse(ctx, $"the boot medium cannot be made writable ({Errno.Describe(err)})");
                    return false;
                }
                _held = new HeldMount(MountPoint, RemountedOnly: true);
            }
        }
        else
        {
            _held?.Release(ctx);
            _held = null;
            if (Device.Device.ReadOnly)
            {
                Refuse(ctx, $"{DevPath} is read-only (write-protect switch, or a filesystem error)");
                return false;
            }
            try { Mounts.MountDevice(ctx, DevPath, Device.Type!, MountPoint, readOnly: false, options); }
            catch (NativeException e)
            {
                Refuse(ctx, e.Message);
                return false;
            }
            _held = new HeldMount(MountPoint);
        }
        if ((Libc.Statfs(MountPoint).Flags & StatfsBuf.ST_RDONLY) == 0) return true;
        Refuse(ctx, $"{DevPath} is read-only (write-protect switch, or a filesystem error)");
        return false;
    }

    /// <summary>One warning (what, where, why), then everything mounted for this device is undone. Returns null
    /// so that a strategy can <c>return device.Refuse(...)</c>.</summary>
    public WritableResult? Refuse(BootContext ctx, string message)
    {
        ctx.Log.Warn($"{_why}: {message}; {WritableStrategy.RamOnly}");
        Release(ctx);
        return null;
    }

    public void Release(BootContext ctx)
    {
        _held?.Release(ctx);
        _held = null;
    }
}
