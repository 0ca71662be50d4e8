namespace LiveInit.Boot.AutoOverlay;

/// <summary>The one new dos (MBR) entry an autooverlay adds, or why none is added.</summary>
public sealed record AutoPartitionPlan(int Slot, long StartSector, long Sectors, string? Refusal)
{
    public bool Refused => Refusal is not null;
    /// <summary>The partition number the kernel gives the new entry (slot 0 is partition 1).</summary>
    public int Number => Slot + 1;
    public static AutoPartitionPlan Refuse(string why) => new(-1, 0, 0, why);
}

/// <summary>
/// Pure planning of dracut's autooverlay on a dos disk: from the disk's first 64 KiB, its size and where the kernel
/// says the medium's partition is, the free slot and the 1 MiB-aligned free space after the last partition, or a
/// refusal. Fails closed: anything it does not fully understand (a GPT or its protective entry, an ISO 9660 volume
/// on the whole disk (a hybrid ISO), an extended partition, a boot flag other than 0x00/0x80, an empty type with
/// data, entries that overlap or leave the disk, a medium entry that differs from the kernel's) is a refusal.
/// <see cref="WithEntry"/> writes the entry into a copy of sector 0; nothing here touches a device.
/// </summary>
public static class DosAutoPartition
{
    public const int SectorSize = 512, HeadBytes = 64 * 1024;
    public const long Align = 2048, MinSectors = 32 * 2048, MaxLba = 0xFFFF_FFFFL;
    public const byte LinuxType = 0x83;
    private const int TableOffset = 446;

    /// <param name="head">the disk's first bytes (at least <see cref="HeadBytes"/> when the disk is that big)</param>
    /// <param name="diskSectors">the disk's size in 512-byte sectors</param>
    /// <param name="mediumNumber">the medium's partition number as the kernel has it (sysfs <c>partition</c>)</param>
    /// <param name="mediumStart">its first sector (sysfs <c>start</c>)</param>
    /// <param name="mediumSectors">its size in sectors (sysfs <c>size</c>)</param>
    /// <param name="kernelPartitions">every partition number the kernel knows on this disk</param>
    public static AutoPartitionPlan Plan(ReadOnlySpan<byte> head, long diskSectors, int mediumNumber,
        long mediumStart, long mediumSectors, IReadOnlyCollection<int> kernelPartitions)
    {
        if (head.Length < SectorSize || diskSectors <= 0) return No("the disk is too small to read");
        if (head[510] != 0x55 || head[511] != 0xAA) return No("the disk has no dos partition table");
        if (head.Length >= 2 * SectorSize && head.Slice(SectorSize, 8).SequenceEqual("EFI PART"u8))
            return No("the disk has a GPT header (LiveInit writes only dos tables)");
        if (head.Length >= 0x8006 && head[0x8000] == 1 && head.Slice(0x8001, 5).SequenceEqual("CD001"u8))
            return No("the disk is a hybrid ISO (an ISO 9660 volume on the whole disk)");
        if (mediumNumber is < 1 or > 4)
            return No($"the medium is partition {mediumNumber}, not a primary dos partition");
        var used = new List<(int Slot, long Start, long End)>();
        var free = -1;
        for (var i = 0; i < 4; i++)
        {
            var e = head.Slice(TableOffset + i * 16, 16);
            var boot = e[0];
            var type = e[4];
            long start = Le32(e, 8), size = Le32(e, 12);
            if (boot is not (0x00 or 0x80)) return No($"entry {i + 1} has an unknown boot flag 0x{boot:x2}");
            if (type == 0)
            {
                if (start != 0 || size != 0 || boot != 0)
                    return No($"entry {i + 1} is empty (type 0) but holds a start or size");
                if (free < 0 && i + 1 > mediumNumber) free = i;
                continue;
            }
            if (type == 0xEE) return No("the disk has a GPT (protective entry 0xee)");
            if (type is 0x05 or 0x0F or 0x85)
                return No($"entry {i + 1} is an extended partition (logical ones are not handled)");
            if (size == 0) return No($"entry {i + 1} has type 0x{type:x2} and no size");
            if (start < 1 || start + size > diskSectors)
                return No($"entry {i + 1} ({start}+{size}) lies outside the disk of {diskSectors} sectors");
            used.Add((i, start, start + size));
        }
        for (var a = 0; a < used.Count; a++)
            for (var b = a + 1; b < used.Count; b++)
                if (used[a].Start < used[b].End && used[b].Start < used[a].End)
                    return No($"entries {used[a].Slot + 1} and {used[b].Slot + 1} overlap");
        var medium = used.FirstOrDefault(u => u.Slot == mediumNumber - 1);
        if (medium.End == 0 || medium.Start != mediumStart || medium.End - medium.Start != mediumSectors)
            return No($"entry {mediumNumber} of the table is not the medium's partition as the kernel "
                                            + $"has it (start {mediumStart}, {mediumSectors} sectors)");
        foreach (var k in kernelPartitions)
            if (k is < 1 or > 4 || !used.Any(u => u.Slot == k - 1))
                return No($"the kernel knows partition {k}, which the table's primary entries do not hold");
        if (free < 0) return No($"no free dos slot after partition {mediumNumber}");
        var lastEnd = used.Max(u => u.End);
        var start0 = (lastEnd + Align - 1) / Align * Align;
        var end = Math.Min(diskSectors, MaxLba + 1) / Align * Align;
        if (start0 > MaxLba || end - start0 < MinSectors)
            return No($"no free space after the last partition (sector {lastEnd} of {diskSectors}; "
                                            + $"at least {MinSectors / 2048} MiB is needed)");
        var count = Math.Min(end - start0, MaxLba);
        return new AutoPartitionPlan(free, start0, count, null);
    }

    /// <summary>A copy of sector 0 with the planned entry in its slot: type 0x83, not bootable, CHS fields set to the
    /// "use LBA" marker (fe ff ff), LBA start and size little-endian.</summary>
    public static byte[] WithEntry(ReadOnlySpan<byte> sector0, AutoPartitionPlan plan)
    {
        if (plan.Refused) throw new InvalidOperationException(plan.Refusal);
        var s = sector0[..SectorSize].ToArray();
        var e = s.AsSpan(TableOffset + plan.Slot * 16, 16);
        e.Clear();
        e[1] = 0xFE; e[2] = 0xFF; e[3] = 0xFF;
        e[4] = LinuxType;
        e[5] = 0xFE; e[6] = 0xFF; e[7] = 0xFF;
        Put32(e, 8, (uint)plan.StartSector);
        Put32(e, 12, (uint)plan.Sectors);
        return s;
    }

    private static AutoPartitionPlan No(string why) => AutoPartitionPlan.Refuse(why);

    private static long Le32(ReadOnlySpan<byte> b, int o) =>
        (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);

    private static void Put32(Span<byte> b, int o, uint v)
    {
        b[o] = (byte)v; b[o + 1] = (byte)(v >> 8); b[o + 2] = (byte)(v >> 16); b[o + 3] = (byte)(v >> 24);
    }
}
