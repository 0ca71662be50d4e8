namespace LiveInit.Probe.Filesystems;

/// <summary>F2FS superblock at 1024 (magic 0xF2F52010, f2fs_fs.h): UTF-16LE volume name, VERSION major.minor.</summary>
public sealed class F2fsProber : IFilesystemProber
{
    private const int SbOffset = 1024;

    public string Name => "f2fs";
    public ProbeUsage Usage => ProbeUsage.Filesystem;

    public bool Probe(ProbeSource src, ProbeResult r)
    {
        var sb = src.Read(SbOffset, 124 + 1024);
        if (sb.IsEmpty || Bytes.Le32(sb, 0) != 0xF2F52010) return false;
        r.Set("TYPE", "f2fs");
        r.SetLabel("LABEL", Bytes.Utf16ToUtf8(sb.Slice(124, 1024), bigEndian: false));
        var uuid = sb.Slice(108, 16);
        if (!Bytes.AllZero(uuid)) r.Set("UUID", Bytes.Uuid(uuid));
        r.Set("VERSION", $"{Bytes.Le16(sb, 4)}.{Bytes.Le16(sb, 6)}");
        return true;
    }
}
