namespace LiveInit.Probe.Filesystems;

/// <summary>EROFS superblock at 1024 (magic 0xE0F5E1E2, erofs_fs.h); when the SB_CHKSUM feature is set the
/// CRC-32C over the rest of the first block must match.</summary>
public sealed class ErofsProber : IFilesystemProber
{
    private const int SbOffset = 1024;
    private const uint Magic = 0xE0F5E1E2, FeatureSbChksum = 0x1;

    public string Name => "erofs";
    public ProbeUsage Usage => ProbeUsage.Filesystem;

    public bool Probe(ProbeSource src, ProbeResult r)
    {
        var sb = src.Read(SbOffset, 128);
        if (sb.IsEmpty || Bytes.Le32(sb, 0) != Magic) return false;
        var blkBits = sb[0x0C];
        if (blkBits is < 9 or > 16) return false;
        if ((Bytes.Le32(sb, 0x08) & FeatureSbChksum) != 0)
        {
            var blockSize = 1 << blkBits;
            if (blockSize <= SbOffset) return false;
            var block = src.Read(SbOffset, blockSize - SbOffset);
            if (block.IsEmpty) return false;
            var copy = block.ToArray();
            var stored = Bytes.Le32(copy, 4);
            copy[4] = copy[5] = copy[6] = copy[7] = 0;
            if (Crc32c.Update(~0u, copy) != stored) return false;
        }
        r.Set("TYPE", "erofs");
        r.SetLabel("LABEL", sb.Slice(0x40, 16));
        var uuid = sb.Slice(0x30, 16);
        if (!Bytes.AllZero(uuid)) r.Set("UUID", Bytes.Uuid(uuid));
        return true;
    }
}
