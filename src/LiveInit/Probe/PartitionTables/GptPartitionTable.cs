namespace LiveInit.Probe.PartitionTables;

/// <summary>GUID partition table: a protective (or hybrid) MBR, the "EFI PART" header at LBA 1 (or the
/// backup at the last LBA) with valid header and entry-array CRC-32s. PTUUID is the disk GUID; PARTUUID
/// the entry's unique GUID; PARTLABEL its UTF-16LE name.</summary>
public static class GptPartitionTable
{
    private const int Lba = 512;

    public static PartitionTable? Read(IProbeSource src)
    {
        var mbr = src.Read(0, 512);
        if (mbr.IsEmpty || mbr[510] != 0x55 || mbr[511] != 0xAA) return null;
        var protective = false;
        for (var i = 0; i < 4; i++) if (mbr[446 + i * 16 + 4] == 0xEE) protective = true;
        if (!protective) return null;
        return ReadHeader(src, 1) ?? (src.Size / Lba > 2 ? ReadHeader(src, src.Size / Lba - 1) : null);
    }

    private static PartitionTable? ReadHeader(IProbeSource src, long lba)
    {
        var hdr = src.Read(lba * Lba, Lba);
        if (hdr.IsEmpty || !Bytes.Is(hdr, 0, "EFI PART")) return null;
        var size = (int)Bytes.Le32(hdr, 12);
        if (size < 92 || size > Lba) return null;
        var copy = hdr[..size].ToArray();
        var stored = Bytes.Le32(copy, 16);
        copy[16] = copy[17] = copy[18] = copy[19] = 0;
        if (Crc32.Compute(copy) != stored || (long)Bytes.Le64(hdr, 24) != lba) return null;
        var entriesLba = (long)Bytes.Le64(hdr, 72);
        var count = Bytes.Le32(hdr, 80);
        var entrySize = Bytes.Le32(hdr, 84);
        if (count == 0 || count > 4096 || entrySize < 128 || entrySize > 4096 || entrySize % 8 != 0) return null;
        var entries = src.Read(entriesLba * Lba, (int)(count * entrySize));
        if (entries.IsEmpty || Crc32.Compute(entries) != Bytes.Le32(hdr, 88)) return null;
        var parts = new List<PartitionEntry>();
        for (var i = 0; i < count; i++)
        {
            var e = entries.Slice(i * (int)entrySize, (int)entrySize);
            if (Bytes.AllZero(e[..16])) continue;
            long first = (long)Bytes.Le64(e, 32), last = (long)Bytes.Le64(e, 40);
            var name = System.Text.Encoding.UTF8.GetString(Bytes.Utf16ToUtf8(e.Slice(56, 72), bigEndian: false));
            parts.Add(new PartitionEntry(i + 1, first, last - first + 1, Bytes.Guid(e[..16]), Bytes.Guid(e.Slice(16, 16)),
                name.Length == 0 ? null : name));
        }
        return new PartitionTable("gpt", Bytes.Guid(hdr.Slice(56, 16)), parts);
    }
}
