using LiveInit.Probe.Filesystems;

namespace LiveInit.Probe.PartitionTables;

/// <summary>MBR ("dos") partition table: 0x55AA, boot flags 0x00/0x80 only, not a FAT/exFAT/NTFS boot
/// sector, not a GPT protective MBR. PTUUID is the disk signature (%08x); PARTUUID is
/// &lt;signature&gt;-&lt;number as %02x&gt; (neither when the signature is 0, as in blkid); logical partitions
/// are numbered from 5 along the EBR chain.</summary>
public static class DosPartitionTable
{
    private const int MaxLogical = 128;

    public static PartitionTable? Read(ProbeSource src)
    {
        var mbr = src.Read(0, 512);
        if (mbr.IsEmpty || mbr[510] != 0x55 || mbr[511] != 0xAA) return null;
        for (var i = 0; i < 4; i++) if (mbr[446 + i * 16] is not (0x00 or 0x80)) return null;
        if (VfatProber.LooksLikeFat(mbr) || Bytes.Is(mbr, 3, "EXFAT   ") || Bytes.Is(mbr, 3, "NTFS    ")) return null;
        for (var i = 0; i < 4; i++) if (mbr[446 + i * 16 + 4] == 0xEE) return null;
        var id = Bytes.Le32(mbr, 440);
        var parts = new List<PartitionEntry>();
        var logical = 5;
        for (var i = 0; i < 4; i++)
        {
            var e = mbr.Slice(446 + i * 16, 16);
            var type = e[4];
            long start = Bytes.Le32(e, 8), size = Bytes.Le32(e, 12);
            if (type == 0 || size == 0) continue;
            parts.Add(new PartitionEntry(i + 1, start, size, $"0x{type:x}", Uuid(id, i + 1), null));
            if (type is 0x05 or 0x0F or 0x85) ReadLogical(src, start, id, parts, ref logical);
        }
        return new PartitionTable("dos", id == 0 ? null : id.ToString("x8"), parts);
    }

    /// <summary>PARTUUID as blkid makes it; none when the disk signature is zero (e.g. xorriso hybrids).</summary>
    private static string? Uuid(uint id, int number) => id == 0 ? null : $"{id:x8}-{number:x2}";

    private static void ReadLogical(ProbeSource src, long extStart, uint id, List<PartitionEntry> parts, ref int number)
    {
        var ebrLba = extStart;
        for (var n = 0; n < MaxLogical; n++)
        {
            var ebr = src.Read(ebrLba * 512, 512);
            if (ebr.IsEmpty || ebr[510] != 0x55 || ebr[511] != 0xAA) return;
            long next = 0;
            for (var i = 0; i < 4; i++)
            {
                var e = ebr.Slice(446 + i * 16, 16);
                var type = e[4];
                long start = Bytes.Le32(e, 8), size = Bytes.Le32(e, 12);
                if (type == 0 || size == 0) continue;
                if (type is 0x05 or 0x0F or 0x85) { if (next == 0) next = start; continue; }
                parts.Add(new PartitionEntry(number, ebrLba + start, size, $"0x{type:x}", Uuid(id, number), null));
                number++;
            }
            if (next == 0) return;
            var nextLba = extStart + next;
            if (nextLba <= ebrLba) return;
            ebrLba = nextLba;
        }
    }
}
