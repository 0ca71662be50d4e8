namespace LiveInit.Probe.PartitionTables;

/// <summary>GUID partition table: a protective (or hybrid) MBR, the "EFI PART" header at LBA 1 (or the
/// backup at the last LBA) with libblkid's checks (gpt.c get_gpt_header): header size, header CRC-32, MyLBA,
/// usable range within the device and not covering the header, 128-byte entries; then the entry array's
/// CRC-32. PTUUID is the disk GUID; PARTUUID the entry's unique GUID; PARTLABEL its UTF-16LE name.
/// The entry array is read in slices while its CRC is computed and is at most <see cref="MaxArrayBytes"/>.</summary>
public static class GptPartitionTable
{
    private const int Lba = 512, EntrySize = 128;
    /// <summary>8192 entries. libblkid only asks for less than 4 GiB and the kernel for at most KMALLOC_MAX_SIZE
    /// (4 MiB), but creates no more than 256 partitions; real tables hold 128 entries (16 KiB).</summary>
    public const int MaxArrayBytes = 1 << 20;

    public static PartitionTable? Read(ProbeSource src)
    {
        var mbr = src.Read(0, 512);
        if (mbr.IsEmpty || mbr[510] != 0x55 || mbr[511] != 0xAA) return null;
        var protective = false;
        for (var i = 0; i < 4; i++) if (mbr[446 + i * 16 + 4] == 0xEE) protective = true;
        if (!protective) return null;
        var lastLba = src.Size / Lba - 1;
        return ReadHeader(src, 1, lastLba) ?? (lastLba > 1 ? ReadHeader(src, lastLba, lastLba) : null);
    }

    private static PartitionTable? ReadHeader(ProbeSource src, long lba, long lastLba)
    {
        var hdr = src.Read(lba * Lba, Lba);
        if (hdr.IsEmpty || !Bytes.Is(hdr, 0, "EFI PART")) return null;
        var size = Bytes.Le32(hdr, 12);
        if (size < 92 || size > Lba) return null;
        var copy = hdr[..(int)size].ToArray();
        var stored = Bytes.Le32(copy, 16);
        copy[16] = copy[17] = copy[18] = copy[19] = 0;
        if (Crc32.Compute(copy) != stored || Bytes.Le64(hdr, 24) != (ulong)lba) return null;
        ulong firstUsable = Bytes.Le64(hdr, 40), lastUsable = Bytes.Le64(hdr, 48);
        if (lastUsable < firstUsable || firstUsable > (ulong)lastLba || lastUsable > (ulong)lastLba) return null;
        if (firstUsable < (ulong)lba && (ulong)lba < lastUsable) return null;
        var entriesLba = Bytes.Le64(hdr, 72);
        var count = Bytes.Le32(hdr, 80);
        var arrayBytes = (ulong)count * Bytes.Le32(hdr, 84);
        if (Bytes.Le32(hdr, 84) != EntrySize || arrayBytes == 0 || arrayBytes > MaxArrayBytes) return null;
        if (entriesLba > (ulong)(src.Size / Lba)) return null;
        var parts = ReadEntries(src, (long)entriesLba * Lba, (int)count, Bytes.Le32(hdr, 88));
        return parts is null ? null : new PartitionTable("gpt", Bytes.Guid(hdr.Slice(56, 16)), parts);
    }

    /// <summary>The used entries, read in slices of at most <see cref="ProbeSource.MaxReadLength"/> while the
    /// CRC-32 of the whole array is computed; null when a slice is missing or the CRC does not match.</summary>
    private static List<PartitionEntry>? ReadEntries(ProbeSource src, long offset, int count, uint expectedCrc)
    {
        const int perSlice = ProbeSource.MaxReadLength / EntrySize;
        var parts = new List<PartitionEntry>();
        var crc = 0xFFFFFFFFu;
        for (var first = 0; first < count; first += perSlice)
        {
            var n = Math.Min(perSlice, count - first);
            var slice = src.Read(offset + (long)first * EntrySize, n * EntrySize);
            if (slice.IsEmpty) return null;
            crc = Crc32.Update(crc, slice);
            for (var i = 0; i < n; i++)
            {
                var e = slice.Slice(i * EntrySize, EntrySize);
                if (Bytes.AllZero(e[..16])) continue;
                long start = (long)Bytes.Le64(e, 32), last = (long)Bytes.Le64(e, 40);
                var name = System.Text.Encoding.UTF8.GetString(Bytes.Utf16ToUtf8(e.Slice(56, 72), bigEndian: false));
                parts.Add(new PartitionEntry(first + i + 1, start, last - start + 1, Bytes.Guid(e[..16]),
                    Bytes.Guid(e.Slice(16, 16)), name.Length == 0 ? null : name));
            }
        }
        return ~crc == expectedCrc ? parts : null;
    }
}
