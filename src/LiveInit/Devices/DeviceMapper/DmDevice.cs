using System.Text;
using LiveInit.Native;

namespace LiveInit.Devices.DeviceMapper;

/// <summary>Creates and removes device-mapper devices through /dev/mapper/control, the way dmsetup does:
/// DM_DEV_CREATE, DM_TABLE_LOAD, then DM_DEV_SUSPEND without the suspend flag (resume) to activate.
/// The node /dev/mapper/NAME is made from the device number the kernel returns.</summary>
public static class DmDevice
{
    private const string Control = "/dev/mapper/control";

    public static string Create(string name, IReadOnlyList<DmTarget> table, bool readOnly = false)
    {
        using var ctl = OpenControl();
        var created = Call(ctl, DmIoctl.DM_DEV_CREATE, name, readOnly ? DmIoctl.DM_READONLY_FLAG : 0, null, "DM_DEV_CREATE");
        try
        {
            Call(ctl, DmIoctl.DM_TABLE_LOAD, name, readOnly ? DmIoctl.DM_READONLY_FLAG : 0, table, "DM_TABLE_LOAD");
            Call(ctl, DmIoctl.DM_DEV_SUSPEND, name, 0, null, "DM_DEV_SUSPEND (resume)");
        }
        catch (NativeException)
        {
            TryCall(ctl, DmIoctl.DM_DEV_REMOVE, name);
            throw;
        }
        var major = (uint)((created & 0xfff00) >> 8);
        var minor = (uint)((created & 0xff) | ((created >> 12) & 0xfff00));
        var node = $"/dev/mapper/{name}";
        try
        {
            Libc.MkdirAll("/dev/mapper");
            EnsureNode(node, major, minor);
        }
        catch (NativeException)
        {
            TryCall(ctl, DmIoctl.DM_DEV_REMOVE, name);
            throw;
        }
        return node;
    }

    /// <summary>Makes <paramref name="node"/> the block device MAJOR:MINOR. A node that is already there is used
    /// only when it is exactly that (a node left for an earlier device of the same name, a file or a symlink
    /// would send the mount elsewhere); anything else is replaced atomically: a new node under a temporary name,
    /// renamed over it (a directory there is an error, not something to delete).</summary>
    private static void EnsureNode(string node, uint major, uint minor)
    {
        if (Libc.TryLstat(node, out var st) && IsNodeOf(st, major, minor)) return;
        var dir = Path.GetDirectoryName(node)!;
        var tmp = Path.Combine(dir, ".liveinit-new-" + Path.GetFileName(node));
        Libc.TryUnlink(tmp);
        Libc.MknodBlock(tmp, major, minor);
        if (!Libc.TryLstat(tmp, out var made) || !IsNodeOf(made, major, minor))   // something else sat there
            throw new NativeException("mknod", $"{tmp} ({major}:{minor})", Errno.EEXIST);
        try { Libc.Rename(tmp, node); }
        catch (NativeException)
        {
            Libc.TryUnlink(tmp);
            throw;
        }
    }

    /// <summary>True when <paramref name="st"/> (from lstat) is the block device
    /// <paramref name="major"/>:<paramref name="minor"/>.</summary>
    internal static bool IsNodeOf(in StatBuf st, uint major, uint minor) =>
        st.IsBlockDevice && StatBuf.Major(st.Rdev) == major && StatBuf.Minor(st.Rdev) == minor;

    public static void Remove(string name)
    {
        using var ctl = OpenControl();
        Call(ctl, DmIoctl.DM_DEV_REMOVE, name, 0, null, "DM_DEV_REMOVE");
        Libc.TryUnlink($"/dev/mapper/{name}");
    }

    /// <summary>The status line of the first target (e.g. "8/65536 16" for a snapshot, or "Invalid").</summary>
    public static string Status(string name)
    {
        using var ctl = OpenControl();
        return ReadStatus(ctl, name);
    }

    /// <summary>The table line of the first target without its sector range and type (DM_TABLE_STATUS with
    /// DM_STATUS_TABLE_FLAG, as <c>dmsetup table</c>), e.g. "7:1 7:2 P 8" for a snapshot.</summary>
    public static string Table(string name)
    {
        using var ctl = OpenControl();
        return ReadStatus(ctl, name, DmIoctl.DM_STATUS_TABLE_FLAG);
    }

    /// <summary>"major:minor" of a block device, as table parameters want it.</summary>
    public static string DevNumber(string path)
    {
        var st = Libc.Stat(path);
        return $"{StatBuf.Major(st.Rdev)}:{StatBuf.Minor(st.Rdev)}";
    }

    private static SafeFd OpenControl()
    {
        if (!Libc.TryStat(Control, out _))
        {
            Libc.MkdirAll("/dev/mapper");
            Libc.MknodChar(Control, 10, 236, 0x180);
        }
        return Libc.Open(Control, Libc.O_RDWR);
    }

    /// <summary>Builds the ioctl buffer (header, then target specs with their parameter strings, each
    /// padded to 8 bytes), calls it, and returns the header's dev field.</summary>
    private static unsafe ulong Call(SafeFd ctl, ulong request, string name, uint flags, IReadOnlyList<DmTarget>? table, string what)
    {
        var buffer = Build(name, flags, table, out var size);
        fixed (byte* p = buffer)
        {
            Libc.Ioctl(ctl, request, p, what, name);
            return ((DmIoctlHeader*)p)->Dev;
        }
    }

    private static unsafe void TryCall(SafeFd ctl, ulong request, string name)
    {
        var buffer = Build(name, 0, null, out _);
        fixed (byte* p = buffer) Libc.TryIoctl(ctl, request, p, out _);
    }

    private static unsafe string ReadStatus(SafeFd ctl, string name, uint flags = 0)
    {
        var buffer = Build(name, flags, null, out _, extra: 4096);
        fixed (byte* p = buffer)
        {
            Libc.Ioctl(ctl, DmIoctl.DM_TABLE_STATUS, p, "DM_TABLE_STATUS", name);
            var h = (DmIoctlHeader*)p;
            if (h->TargetCount == 0) return "";
            var spec = p + h->DataStart;
            var text = new ReadOnlySpan<byte>(spec + sizeof(DmTargetSpec), (int)(h->DataSize - h->DataStart - sizeof(DmTargetSpec)));
            var end = text.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? text : text[..end]);
        }
    }

    internal static unsafe byte[] Build(string name, uint flags, IReadOnlyList<DmTarget>? table, out int size, int extra = 0)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        if (nameBytes.Length >= 128) throw new ArgumentException($"device-mapper name too long: {name}");
        var specs = new List<byte[]>();
        foreach (var t in table ?? [])
        {
            var param = Encoding.UTF8.GetBytes(t.Parameters);
            var len = (sizeof(DmTargetSpec) + param.Length + 1 + 7) & ~7;
            var b = new byte[len];
            fixed (byte* bp = b)
            {
                var s = (DmTargetSpec*)bp;
                s->SectorStart = t.SectorStart;
                s->Length = t.Length;
                s->Next = (uint)len;
                var type = Encoding.ASCII.GetBytes(t.Type);
                for (var i = 0; i < Math.Min(15, type.Length); i++) s->TargetType[i] = type[i];
            }
            param.CopyTo(b, sizeof(DmTargetSpec));
            specs.Add(b);
        }
        size = sizeof(DmIoctlHeader) + specs.Sum(s => s.Length) + extra;
        var buffer = new byte[size];
        fixed (byte* p = buffer)
        {
            var h = (DmIoctlHeader*)p;
            h->Version[0] = DmIoctl.MajorVersion;
            h->DataSize = (uint)size;
            h->DataStart = (uint)sizeof(DmIoctlHeader);
            h->TargetCount = (uint)specs.Count;
            h->Flags = flags;
            for (var i = 0; i < nameBytes.Length; i++) h->Name[i] = nameBytes[i];
        }
        var off = sizeof(DmIoctlHeader);
        foreach (var s in specs) { s.CopyTo(buffer, off); off += s.Length; }
        return buffer;
    }
}
