namespace LiveInit.Probe.Filesystems;

/// <summary>XFS superblock at 0 ("XFSB", big-endian, xfs_sb.h) with libblkid's sanity checks and, for v5
/// (CRC) filesystems, the CRC-32C of the superblock sector.</summary>
public sealed class XfsProber : IFilesystemProber
{
    public string Name => "xfs";
    public ProbeUsage Usage => ProbeUsage.Filesystem;

    public bool Probe(ProbeSource src, ProbeResult r)
    {
        var sb = src.Read(0, 512);
        if (sb.IsEmpty || !Bytes.Is(sb, 0, "XFSB")) return false;
        var blockSize = Bytes.Be32(sb, 4);
        var dblocks = Bytes.Be64(sb, 8);
        var agblocks = Bytes.Be32(sb, 84);
        var agcount = Bytes.Be32(sb, 88);
        var sectSize = Bytes.Be16(sb, 102);
        var inodeSize = Bytes.Be16(sb, 104);
        var inopblock = Bytes.Be16(sb, 106);
        var blockLog = sb[120];
        var sectLog = sb[121];
        var inodeLog = sb[122];
        var inopbLog = sb[123];
        var agblkLog = sb[124];
        var version = Bytes.Be16(sb, 100) & 0x000f;
        if (agcount == 0 || agblocks < 5 || sectSize < 512 || sectSize > 32768 || sectLog is < 9 or > 15
            || sectSize != 1 << sectLog || blockSize < 512 || blockSize > 65536 || blockLog is < 9 or > 16
            || blockSize != 1u << blockLog || inodeSize < 256 || inodeSize > 2048 || inodeLog is < 8 or > 11
            || inodeSize != 1 << inodeLog || blockLog - inodeLog != inopbLog || inopblock != (1 << inopbLog)
            || agblkLog != Log2RoundUp(agblocks) || dblocks == 0 || dblocks > (ulong)agcount * agblocks
            || dblocks < ((ulong)agcount - 1) * agblocks + 5)
            return false;
        if (version == 5)
        {
            var full = src.Read(0, sectSize);
            if (full.IsEmpty) return false;
            var copy = full.ToArray();
            var stored = Bytes.Le32(copy, 224);
            copy[224] = copy[225] = copy[226] = copy[227] = 0;
            if (~Crc32c.Update(~0u, copy) != stored) return false;
        }
        r.Set("TYPE", "xfs");
        r.SetLabel("LABEL", sb.Slice(108, 12));
        r.Set("UUID", Bytes.Uuid(sb.Slice(32, 16)));
        return true;
    }

    private static int Log2RoundUp(uint v)
    {
        var log = 0;
        while ((1UL << log) < v) log++;
        return log;
    }
}
