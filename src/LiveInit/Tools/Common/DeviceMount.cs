using LiveInit.Native;
using LiveInit.Probe;

namespace LiveInit.Tools.Common;

/// <summary>A device the user named, mounted read-write for a tool: reused where it is already mounted
/// (remounted read-write for the time of the tool, then read-only again if it was), otherwise mounted under
/// /run/liveinit and unmounted afterwards. Its LABEL and UUID come from LiveInit's own prober.</summary>
public sealed class DeviceMount : IDisposable
{
    private readonly bool _unmount, _remountReadOnly;

    private DeviceMount(string device, string mountPoint, ProbeResult probe, bool unmount, bool remountReadOnly)
    {
        Device = device;
        MountPoint = mountPoint;
        Probe = probe;
        _unmount = unmount;
        _remountReadOnly = remountReadOnly;
    }

    public string Device { get; }
    public string MountPoint { get; }
    public ProbeResult Probe { get; }
    public string? Label => Probe.Get("LABEL");
    public string? Uuid => Probe.Get("UUID");

    public static DeviceMount Writable(string device, MountTable mounts, Say say)
    {
        if (!Libc.TryStat(device, out var st) || !st.IsBlockDevice) throw new ToolFailure($"{device} is not a block "
            + "device (give e.g. /dev/sdb1)");
        ProbeResult probe;
        using (var src = new FileProbeSource(device)) probe = Prober.ProbeFilesystem(src);
        var type = probe.Get("TYPE") ?? throw new ToolFailure($"{device} holds no filesystem LiveInit recognises");
        var majmin = $"{StatBuf.Major(st.Rdev)}:{StatBuf.Minor(st.Rdev)}";
        var mounted = mounts.Entries.LastOrDefault(e => e.MajorMinor == majmin && e.Root == "/");
        if (mounted is not null)
        {
            var ro = mounted.ReadOnly;
            if (ro)
            {
                var err = Libc.TryMount(null, mounted.MountPoint, null, Libc.MS_REMOUNT, null);
                if (err != 0) throw new ToolFailure($"{device} is mounted read-only at {mounted.MountPoint} and "
                    + $"cannot be made writable ({Errno.Describe(err)}); is it write-protected?");
                say.Detail($"remounted {mounted.MountPoint} read-write");
            }
            return new DeviceMount(device, mounted.MountPoint, probe, false, ro);
        }
        var mp = $"/run/liveinit/mnt-{Path.GetFileName(device)}-{Environment.ProcessId}";
        Libc.MkdirAll(mp);
        var e2 = Libc.TryMount(device, mp, type is "ext2" or "ext3" ? "ext4" : type, 0, null);
        if (e2 != 0)
        {
            Libc.TryRmdir(mp);
            throw new ToolFailure($"cannot mount {device} ({type}) read-write: {Errno.Describe(e2)}");
        }
        say.Detail($"mounted {device} at {mp}");
        return new DeviceMount(device, mp, probe, true, false);
    }

    public void Dispose()
    {
        Libc.Sync();
        if (_unmount) { Libc.TryUmount(MountPoint); Libc.TryRmdir(MountPoint); }
        else if (_remountReadOnly) Libc.TryMount(null, MountPoint, null, Libc.MS_REMOUNT | Libc.MS_RDONLY, null);
    }
}
