using LiveInit.Probe.Filesystems;
using LiveInit.Probe.PartitionTables;

namespace LiveInit.Probe;

/// <summary>
/// The blkid-equivalent: every filesystem prober in one ordered table (libblkid's precedence: crypto, then
/// FAT, swap, xfs, ext, udf, iso9660, ntfs, btrfs, squashfs, exfat, f2fs, erofs), plus the partition tables.
/// The first filesystem that recognises the bytes wins; a partition table is reported beside it
/// (PTTYPE/PTUUID), as blkid -p does for hybrid ISO images.
/// Nothing here throws for what is on a medium: a prober that fails is skipped and its failure kept in
/// <see cref="ProbeResult.Problem"/> (a device nothing recognised then reads as "unreadable"), and every read
/// goes through the limits of <see cref="ProbeSource"/>.
/// </summary>
public static class Prober
{
    public static IReadOnlyList<IFilesystemProber> Filesystems { get; } =
    [
        new LuksProber(), new VfatProber(), new SwapProber(), new XfsProber(), new ExtProber(), new UdfProber(),
        new Iso9660Prober(), new NtfsProber(), new BtrfsProber(), new SquashfsProber(), new ExfatProber(),
        new F2fsProber(), new ErofsProber(), new LuksProber(secondary: true),
    ];

    public static ProbeResult Probe(ProbeSource src, bool partitions = true)
    {
        var result = ProbeFilesystem(src);
        if (!partitions) return result;
        var pt = ReadPartitionTable(src, out var problem);
        if (pt is not null)
        {
            if (pt.Id is not null) result.Set("PTUUID", pt.Id);
            result.Set("PTTYPE", pt.Type);
        }
        if (problem is not null) result.NoteProblem(problem);
        return result;
    }

    public static ProbeResult ProbeFilesystem(ProbeSource src)
    {
        string? problem = null;
        foreach (var p in Filesystems)
        {
            var r = new ProbeResult();
            var hadLimit = src.Limit is not null;
            bool hit;
            try { hit = p.Probe(src, r); }
            catch (Exception e)   // a prober's bug must not stop the boot: the next prober still gets its turn
            {
                problem ??= $"{p.Name} prober failed: {Describe(e)}";
                hit = false;
            }
            if (!hadLimit && src.Limit is not null) problem ??= $"{p.Name}: {src.Limit}";
            if (!hit) continue;
            r.Set("USAGE", p.Usage switch
            {
                ProbeUsage.Crypto => "crypto", ProbeUsage.Other => "other", _ => "filesystem",
            });
            if (problem is not null) r.NoteProblem(problem);
            return r;
        }
        var none = new ProbeResult();
        if (problem is not null) none.NoteProblem(problem);
        return none;
    }

    public static PartitionTable? ReadPartitionTable(ProbeSource src) => ReadPartitionTable(src, out _);

    /// <summary>GPT, else dos; null (with the reason in <paramref name="problem"/> when one went wrong).</summary>
    public static PartitionTable? ReadPartitionTable(ProbeSource src, out string? problem)
    {
        problem = null;
        var hadLimit = src.Limit is not null;
        PartitionTable? pt;
        try { pt = GptPartitionTable.Read(src) ?? DosPartitionTable.Read(src); }
        catch (Exception e)
        {
            problem = $"partition table: {Describe(e)}";
            pt = null;
        }
        if (!hadLimit && src.Limit is not null) problem ??= $"partition table: {src.Limit}";
        return pt;
    }

    /// <summary>An exception as one line: the message of an I/O error (it names the call, path and errno), the
    /// type and message of anything else (a prober's bug).</summary>
    public static string Describe(Exception e) => e is IOException ? e.Message : $"{ExceptionNames.Of(e)}: {e.Message}";
}
