using LiveInit.Native;

namespace LiveInit.Devices;

/// <summary>Reads /sys/class/block: disks, partitions, loop, sr, md. Creates missing /dev nodes from
/// <c>dev</c> (major:minor) when no udev runs.</summary>
public static class SysfsBlock
{
    public static IReadOnlyList<BlockDevice> Enumerate(string sys = "/sys")
    {
        var list = new List<BlockDevice>();
        var dir = Path.Combine(sys, "class/block");
        if (!Directory.Exists(dir)) return list;
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
            if (Read(sys, Path.GetFileName(entry)) is { } dev) list.Add(dev);
        list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    public static BlockDevice? Read(string sys, string name)
    {
        var d = Path.Combine(sys, "class/block", name);
        var devText = ReadText(Path.Combine(d, "dev"));
        if (devText is null) return null;
        var colon = devText.IndexOf(':');
        if (colon < 0 || !uint.TryParse(devText[..colon], out var major) || !uint.TryParse(devText[(colon + 1)..], out var minor))
            return null;
        var size = ReadLong(Path.Combine(d, "size")) * 512;
        var partition = (int)ReadLong(Path.Combine(d, "partition"));
        string? parent = null;
        var removableDir = d;
        var target = d;
        try { target = new DirectoryInfo(d).ResolveLinkTarget(true)?.FullName ?? Path.GetFullPath(d); }
        catch (IOException) { }
        if (partition > 0)
        {
            // /sys/class/block/sda1 -> ../../devices/.../sda/sda1: the parent is the directory above.
            parent = Path.GetFileName(Path.GetDirectoryName(target));
            removableDir = Path.GetDirectoryName(target)!;
        }
        var onUsb = target.Contains("/usb", StringComparison.Ordinal);
        var removable = ReadLong(Path.Combine(removableDir, "removable")) == 1;
        var ro = ReadLong(Path.Combine(d, "ro")) == 1;
        var start = partition > 0 ? ReadLong(Path.Combine(d, "start")) : 0;
        return new BlockDevice(name, major, minor, size, removable, ro, partition, parent, start, onUsb);
    }

    /// <summary>Makes /dev/NAME when devtmpfs has not (or /dev is not devtmpfs).</summary>
    public static void EnsureNode(BlockDevice dev)
    {
        if (Libc.TryStat(dev.DevPath, out var st) && st.IsBlockDevice) return;
        try { Libc.MknodBlock(dev.DevPath, dev.Major, dev.Minor); }
        catch (NativeException) { }
    }

    private static string? ReadText(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static long ReadLong(string path) => long.TryParse(ReadText(path), out var v) ? v : 0;
}
