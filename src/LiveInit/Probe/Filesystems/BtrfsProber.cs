namespace LiveInit.Probe.Filesystems;

/// <summary>btrfs superblock at 64 KiB ("_BHRfS_M" at +0x40, btrfs_tree.h): fsid is UUID, the device item's
/// uuid is UUID_SUB; a CRC-32C superblock must verify.</summary>
public sealed class BtrfsProber : IFilesystemProber
{
    private const int SbOffset = 0x10000, SbSize = 0x1000;

    public string Name => "btrfs";
    public ProbeUsage Usage => ProbeUsage.Filesystem;

    public bool Probe(ProbeSource src, ProbeResult r)
    {
        var sb = src.Read(SbOffset, SbSize);
        if (sb.IsEmpty || !Bytes.Is(sb, 0x40, "_BHRfS_M")) return false;
        var csumType = Bytes.Le16(sb, 0xC4);
        if (csumType == 0 && ~Crc32c.Update(~0u, sb[0x20..]) != Bytes.Le32(sb, 0)) return false;
        r.Set("TYPE", "btrfs");
        r.SetLabel("LABEL", sb.Slice(0x12B, 256));
        r.Set("UUID", Bytes.Uuid(sb.Slice(0x20, 16)));
        r.Set("UUID_SUB", Bytes.Uuid(sb.Slice(0x10B, 16)));
        return true;
    }
}
