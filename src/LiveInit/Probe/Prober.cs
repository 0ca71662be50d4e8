using LiveInit.Probe.Filesystems;
using LiveInit.Probe.PartitionTables;

namespace LiveInit.Probe;

/// <summary>
/// The blkid-equivalent: every filesystem prober in one ordered table (libblkid's precedence: crypto, then
/// FAT, swap, xfs, ext, udf, iso9660, ntfs, btrfs, squashfs, exfat, f2fs, erofs), plus the partition tables.
/// The first filesystem that recognises the bytes wins; a partition table is reported beside it
/// (PTTYPE/PTUUID), as blkid -p does for hybrid ISO images.
/// </summary>
public static class Prober
{
    public static IReadOnlyList<IFilesystemProber> Filesystems { get; } =
    [
        new LuksProber(), new VfatProber(), new SwapProber(), new XfsProber(), new ExtProber(), new UdfProber(), new Iso9660Prober(),
        new NtfsProber(), new BtrfsProber(), new SquashfsProber(), new ExfatProber(), new F2fsProber(), new ErofsProber(),
        new LuksProber(secondary: true),
    ];

    public static ProbeResult Probe(IProbeSource src, bool partitions = true)
    {
        var result = ProbeFilesystem(src);
        if (partitions && ReadPartitionTable(src) is { } pt)
        {
            if (pt.Id is not null) result.Set("PTUUID", pt.Id);
            result.Set("PTTYPE", pt.Type);
        }
        return result;
    }

    public static ProbeResult ProbeFilesystem(IProbeSource src)
    {
        foreach (var p in Filesystems)
        {
            var r = new ProbeResult();
            bool hit;
            try { hit = p.Probe(src, r); }
            catch (ArgumentOutOfRangeException) { hit = false; }   // a prober's bounds bug must not stop the boot
            if (!hit) continue;
            r.Set("USAGE", p.Usage switch { ProbeUsage.Crypto => "crypto", ProbeUsage.Other => "other", _ => "filesystem" });
            return r;
        }
        return new ProbeResult();
    }

    public static PartitionTable? ReadPartitionTable(IProbeSource src)
    {
        try { return GptPartitionTable.Read(src) ?? DosPartitionTable.Read(src); }
        catch (ArgumentOutOfRangeException) { return null; }
    }
}
