namespace LiveInit.Probe.Filesystems;

/// <summary>squashfs ("hsqs" little-endian; "sqsh" big-endian for version 3): version 4 is TYPE squashfs,
/// older ones squashfs3, as libblkid reports them. No label or UUID exists.</summary>
public sealed class SquashfsProber : IFilesystemProber
{
    public string Name => "squashfs";
    public ProbeUsage Usage => ProbeUsage.Filesystem;

    public bool Probe(ProbeSource src, ProbeResult r)
    {
        var sb = src.Read(0, 96);
        if (sb.IsEmpty) return false;
        ushort major, minor;
        if (Bytes.Is(sb, 0, "hsqs")) { major = Bytes.Le16(sb, 28); minor = Bytes.Le16(sb, 30); }
        else if (Bytes.Is(sb, 0, "sqsh")) { major = Bytes.Be16(sb, 28); minor = Bytes.Be16(sb, 30); }
        else return false;
        if (major >= 4)
        {
            if (major != 4 || !Bytes.Is(sb, 0, "hsqs")) return false;
            r.Set("TYPE", "squashfs");
        }
        else if (major >= 1) r.Set("TYPE", "squashfs3");
        else return false;
        r.Set("VERSION", $"{major}.{minor}");
        return true;
    }
}
