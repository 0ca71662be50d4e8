namespace LiveInit.Devices.Udev;

/// <summary>One device directory under /sys/devices, read the way udev's sd_device reads it: its name, its
/// subsystem (the <c>subsystem</c> link's last part), DEVTYPE from <c>uevent</c>, attributes (bounded reads),
/// and its parent (the directory above, up to /sys/devices). Nothing is written; a missing file is null.</summary>
public sealed class SysfsNode
{
    private const int MaxAttribute = 4096;
    public string Sys { get; }
    public string Path { get; }

    private SysfsNode(string sys, string path) { Sys = sys; Path = path; }

    /// <summary>The device directory of block device NAME (/sys/class/block/NAME resolved).</summary>
    public static SysfsNode? OfBlock(string sys, string name)
    {
        if (name.Contains('/') || name is "." or "..") return null;
        var link = System.IO.Path.Combine(sys, "class/block", name);
        try
        {
            var target = new DirectoryInfo(link).ResolveLinkTarget(true)?.FullName;
            return target is null || !Directory.Exists(target) ? null : new SysfsNode(sys, target);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The device of class CLASS named NAME (/sys/class/CLASS/NAME resolved), e.g. ata_port/ata1.</summary>
    public static SysfsNode? OfClass(string sys, string cls, string name)
    {
        if (name.Contains('/') || name is "." or ".." || name.Length == 0) return null;
        try
        {
            var link = System.IO.Path.Combine(sys, "class", cls, name);
            var target = new DirectoryInfo(link).ResolveLinkTarget(true)?.FullName;
            return target is null || !Directory.Exists(target) ? null : new SysfsNode(sys, target);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    public string Name => System.IO.Path.GetFileName(Path);

    public SysfsNode? Parent
    {
        get
        {
            var up = System.IO.Path.GetDirectoryName(Path);
            var devices = System.IO.Path.GetFullPath(System.IO.Path.Combine(Sys, "devices"));
            if (up is null || up.Length <= devices.Length || !up.StartsWith(devices + "/", StringComparison.Ordinal))
                return null;
            return new SysfsNode(Sys, up);
        }
    }

    public string? Subsystem
    {
        get
        {
            try
            {
                var l = new FileInfo(System.IO.Path.Combine(Path, "subsystem")).LinkTarget;
                return l is null ? null : System.IO.Path.GetFileName(l.TrimEnd('/'));
            }
            catch (IOException) { return null; }
        }
    }

    public string? DevType
    {
        get
        {
            var ev = Attribute("uevent");
            if (ev is null) return null;
            foreach (var line in ev.Split('\n'))
                if (line.StartsWith("DEVTYPE=", StringComparison.Ordinal)) return line[8..];
            return null;
        }
    }

    /// <summary>The attribute's bytes (at most 4 KiB), or null.</summary>
    public byte[]? Bytes(string name)
    {
        if (name.Contains('/')) return null;
        try
        {
            using var f = File.OpenRead(System.IO.Path.Combine(Path, name));
            var buf = new byte[MaxAttribute];
            var n = 0;
            while (n < buf.Length)
            {
                var r = f.Read(buf, n, buf.Length - n);
                if (r <= 0) break;
                n += r;
            }
            return buf[..n];
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The attribute as text with its trailing newline removed (sd_device's value), or null.</summary>
    public string? Attribute(string name)
    {
        var b = Bytes(name);
        if (b is null) return null;
        var s = System.Text.Encoding.UTF8.GetString(b);
        return s.EndsWith('\n') ? s[..^1] : s;
    }

    /// <summary>The first device from this one upwards that has the attribute (udev's ATTRS{}), with its
    /// value.</summary>
    public (SysfsNode Node, string Value)? Find(string name)
    {
        for (var n = this; n is not null; n = n.Parent)
            if (n.Attribute(name) is { } v) return (n, v);
        return null;
    }

    /// <summary>The first device upwards (this one included) of SUBSYSTEM and, if given, DEVTYPE.</summary>
    public SysfsNode? Up(string subsystem, string? devtype = null)
    {
        for (var n = this; n is not null; n = n.Parent)
            if (n.Subsystem == subsystem && (devtype is null || n.DevType == devtype)) return n;
        return null;
    }
}
