using System.Buffers.Binary;
using LiveInit.Probe;

namespace LiveInit.Boot.AutoOverlay;

/// <summary>
/// Pure planning of an autooverlay partition on a GPT disk, from the disk's first and last 64 KiB: both headers and
/// both entry arrays must be there, valid (signature, revision, sizes, CRCs, MyLBA/AlternateLBA), and agree (the
/// backup header at the disk's last sector: a disk grown after partitioning is refused, as are hybrid MBRs); the
/// entries must lie in the usable range without overlapping, and the medium's entry must be what the kernel has.
/// <see cref="Writes"/> gives the four regions to write (both arrays, both headers, new CRCs).
/// </summary>
public static class GptAutoPartition
{
    private const int Lba = 512, EntrySize = 128, HeaderSize = 92, MaxEntries = 128;
    /// <summary>Linux filesystem data (0FC63DAF-8483-4772-8E79-3D69D8477DE4) as stored on disk.</summary>
    private static ReadOnlySpan<byte> LinuxData =>
        [0xAF, 0x3D, 0xC6, 0x0F, 0x83, 0x84, 0x72, 0x47, 0x8E, 0x79, 0x3D, 0x69, 0xD8, 0x47, 0x7D, 0xE4];

    /// <summary>True when sector 0 is a protective MBR (an 0xee entry): the disk is GPT's to plan.</summary>
    public static bool IsGpt(ReadOnlySpan<byte> head)
    {
        if (head.Length < Lba || head[510] != 0x55 || head[511] != 0xAA) return false;
        for (var i = 0; i < 4; i++) if (head[446 + i * 16 + 4] == 0xEE) return true;
        return false;
    }

    /// <param name="head">the disk's first <see cref="DosAutoPartition.HeadBytes"/></param>
    /// <param name="tail">the disk's last <see cref="DosAutoPartition.HeadBytes"/> (its last sector last)</param>
    public static AutoPartitionPlan Plan(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail, long diskSectors,
        int mediumNumber, long mediumStart, long mediumSectors, IReadOnlyCollection<int> kernelPartitions)
    {
        var last = diskSectors - 1;
        if (head.Length < DosAutoPartition.HeadBytes || tail.Length < DosAutoPartition.HeadBytes)
            return No("the disk is too small to read");
        // the protective MBR: one 0xee entry from LBA 1, nothing else (a hybrid MBR is refused)
        for (var i = 0; i < 4; i++)
        {
            var e = head.Slice(446 + i * 16, 16);
            if (i == 0 && e[4] == 0xEE && BinaryPrimitives.ReadUInt32LittleEndian(e[8..]) == 1) continue;
            if (!e.SequenceEqual(new byte[16]))
                return No("the GPT's MBR is hybrid or not protective (more than one 0xee entry from sector 1)");
        }
        var tailBase = diskSectors - tail.Length / Lba;
        var primary = head.Slice(Lba, Lba);
        var backup = tail[^Lba..];
        var why = Header(primary, 1, last, "primary") ?? Header(backup, last, 1, "backup");
        if (why is not null) return No(why);
        foreach (var (at, length, what) in new[] { (56, 16, "disk GUID"), (40, 16, "usable range"),
                     (80, 12, "entry count, size and CRC") })
            if (!primary.Slice(at, length).SequenceEqual(backup.Slice(at, length)))
                return No($"the backup GPT header disagrees with the primary ({what})");
        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(primary[80..]);
        var pArray = Array(head, 0, primary, out why);
        if (why is not null) return No(why);
        var bArray = Array(tail, tailBase, backup, out why);
        if (why is not null) return No(why);
        if (!pArray.SequenceEqual(bArray)) return No("the backup GPT entry array differs from the primary");
        var first = (long)BinaryPrimitives.ReadUInt64LittleEndian(primary[40..]);
        var lastUsable = (long)BinaryPrimitives.ReadUInt64LittleEndian(primary[48..]);
        if (first < 2 || lastUsable >= last || first > lastUsable)
            return No("the GPT's usable range is not on the disk");
        var used = new List<(int Slot, long Start, long End)>();
        var free = -1;
        for (var i = 0; i < count; i++)
        {
            var e = pArray.Slice(i * EntrySize, EntrySize);
            if (e[..16].SequenceEqual(new byte[16]))
            {
                if (!e.SequenceEqual(new byte[EntrySize])) return No($"GPT entry {i + 1} has no type but holds data");
                if (free < 0 && i + 1 > mediumNumber) free = i;
                continue;
            }
            long s = (long)BinaryPrimitives.ReadUInt64LittleEndian(e[32..]);
            long l = (long)BinaryPrimitives.ReadUInt64LittleEndian(e[40..]);
            if (s < first || l > lastUsable || l < s)
                return No($"GPT entry {i + 1} ({s}-{l}) lies outside the usable range");
            used.Add((i, s, l + 1));
        }
        foreach (var a in used)
            foreach (var b in used)
                if (a.Slot < b.Slot && a.Start < b.End && b.Start < a.End)
                    return No($"GPT entries {a.Slot + 1} and {b.Slot + 1} overlap");
        if (mediumNumber < 1 || mediumNumber > count)
            return No($"the medium is partition {mediumNumber}, not a GPT entry");
        var medium = used.FirstOrDefault(u => u.Slot == mediumNumber - 1);
        if (medium.End == 0 || medium.Start != mediumStart || medium.End - medium.Start != mediumSectors)
            return No($"GPT entry {mediumNumber} is not the medium's partition as the kernel has it");
        foreach (var k in kernelPartitions)
            if (!used.Any(u => u.Slot == k - 1))
                return No($"the kernel knows partition {k}, which the GPT does not hold");
        if (free < 0) return No($"no free GPT entry after partition {mediumNumber}");
        var lastEnd = used.Max(u => u.End);
        var start = (lastEnd + DosAutoPartition.Align - 1) / DosAutoPartition.Align * DosAutoPartition.Align;
        var end = (lastUsable + 1) / DosAutoPartition.Align * DosAutoPartition.Align;
        if (end - start < DosAutoPartition.MinSectors)
            return No($"no free space after the last partition (sector {lastEnd}, last usable {lastUsable}; "
                      + $"at least {DosAutoPartition.MinSectors / 2048} MiB is needed)");
        return new AutoPartitionPlan(free, start, end - start, null);
    }

    /// <summary>The regions to write (offset in bytes, new bytes): the primary array and header, then the backup
    /// array and header, with the new entry (Linux filesystem data, <paramref name="unique"/>, <paramref name="name"/>)
    /// and fresh CRCs. <paramref name="head"/> and <paramref name="tail"/> are those the plan was made from.</summary>
    public static IReadOnlyList<(long Offset, byte[] Bytes)> Writes(ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail,
        long diskSectors, AutoPartitionPlan plan, Guid unique, string name)
    {
        if (plan.Refused) throw new InvalidOperationException(plan.Refusal);
        var primary = head.Slice(Lba, Lba).ToArray();
        var backup = tail[^Lba..].ToArray();
        var array = Array(head, 0, primary, out _).ToArray();
        var e = array.AsSpan(plan.Slot * EntrySize, EntrySize);
        e.Clear();
        LinuxData.CopyTo(e);
        unique.TryWriteBytes(e[16..]);
        BinaryPrimitives.WriteUInt64LittleEndian(e[32..], (ulong)plan.StartSector);
        BinaryPrimitives.WriteUInt64LittleEndian(e[40..], (ulong)(plan.StartSector + plan.Sectors - 1));
        var n = 0;
        foreach (var ch in name)
        {
            if (n >= 36) break;
            BinaryPrimitives.WriteUInt16LittleEndian(e[(56 + n * 2)..], ch);
            n++;
        }
        var arrayCrc = Crc32.Compute(array);
        foreach (var h in new[] { primary, backup })
        {
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(88), arrayCrc);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), 0);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), Crc32.Compute(h.AsSpan(0, HeaderSize)));
        }
        long pArrayLba = (long)BinaryPrimitives.ReadUInt64LittleEndian(primary.AsSpan(72));
        long bArrayLba = (long)BinaryPrimitives.ReadUInt64LittleEndian(backup.AsSpan(72));
        return
        [
            (pArrayLba * Lba, array), (Lba, primary),
            (bArrayLba * Lba, array.ToArray()), ((diskSectors - 1) * Lba, backup),
        ];
    }

    private static AutoPartitionPlan No(string why) => AutoPartitionPlan.Refuse(why);

    /// <summary>Why a header is not one LiveInit writes (null: it is).</summary>
    private static string? Header(ReadOnlySpan<byte> h, long my, long alternate, string which)
    {
        if (!h[..8].SequenceEqual("EFI PART"u8)) return $"no {which} GPT header where it belongs (sector {my})";
        if (BinaryPrimitives.ReadUInt32LittleEndian(h[8..]) != 0x00010000)
            return $"the {which} GPT header's revision is unknown";
        if (BinaryPrimitives.ReadUInt32LittleEndian(h[12..]) != HeaderSize)
            return $"the {which} GPT header's size is not 92";
        var copy = h[..HeaderSize].ToArray();
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(16));
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(16), 0);
        if (Crc32.Compute(copy) != stored) return $"the {which} GPT header's CRC is wrong";
        if ((long)BinaryPrimitives.ReadUInt64LittleEndian(h[24..]) != my
            || (long)BinaryPrimitives.ReadUInt64LittleEndian(h[32..]) != alternate)
            return $"the {which} GPT header's own and other sectors are not {my} and {alternate} (a disk grown after "
                   + "partitioning, or a backup header that disagrees)";
        if (BinaryPrimitives.ReadUInt32LittleEndian(h[84..]) != EntrySize)
            return $"the {which} GPT's entries are not 128 bytes";
        var count = BinaryPrimitives.ReadUInt32LittleEndian(h[80..]);
        if (count is 0 or > MaxEntries)
            return $"the {which} GPT has {count} entries (LiveInit handles 1 to {MaxEntries})";
        return null;
    }

    /// <summary>The entry array a header names, which must lie in <paramref name="window"/> (whose first sector is
    /// <paramref name="windowLba"/>) and match the header's CRC.</summary>
    private static ReadOnlySpan<byte> Array(ReadOnlySpan<byte> window, long windowLba, ReadOnlySpan<byte> header,
        out string? why)
    {
        why = null;
        var lba = (long)BinaryPrimitives.ReadUInt64LittleEndian(header[72..]);
        var bytes = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[80..]) * EntrySize;
        var offset = (lba - windowLba) * Lba;
        if (offset < 0 || offset + bytes > window.Length)
        {
            why = $"a GPT entry array at sector {lba} is where LiveInit does not look";
            return default;
        }
        var array = window.Slice((int)offset, bytes);
        if (Crc32.Compute(array) != BinaryPrimitives.ReadUInt32LittleEndian(header[88..]))
            why = "a GPT entry array's CRC is wrong";
        return array;
    }
}
