using LiveInit.Native;
using LiveInit.Probe;
using LiveInit.Probe.PartitionTables;

namespace LiveInit.Devices;

/// <summary>
/// What blkid prints for a partition beside its filesystem, read from the whole disk's partition table as
/// libblkid does (partitions.c, blkid_partitions_probe_partition): PARTLABEL and PARTUUID (the names blkid's cache
/// gives the entry's name and UUID), then blkid -p's PART_ENTRY_SCHEME, _NAME, _UUID, _TYPE, _FLAGS (when not
/// zero), _NUMBER, _OFFSET and _SIZE (512-byte sectors) and _DISK (the disk's major:minor).
/// sysfs names the disk and the partition's start, size and number; the entry is the one with that start and
/// size, else the one with that number (an extended partition's device is 1 KiB long, its entry is not).
/// Only block devices have a parent: an image file gets none of these keys.
/// </summary>
public static class PartitionKeys
{
    private const int Sector = 512, GptEntrySize = 128, MaxLogical = 128;

    /// <summary>The entry of the kernel's partition <paramref name="number"/> at <paramref name="start"/> with
    /// <paramref name="sectors"/> sectors.</summary>
    public static PartitionEntry? Find(PartitionTable table, int number, long start, long sectors) =>
        table.Partitions.FirstOrDefault(p => p.Start == start && p.Size == sectors)
        ?? table.Partitions.FirstOrDefault(p => p.Number == number);

    /// <summary>Sets the keys in blkid's order (a key already set, e.g. by <see cref="ProbedDevice"/>, moves to
    /// its place).</summary>
    public static void Add(ProbeResult r, PartitionTable table, PartitionEntry e, ulong flags, string diskDevno)
    {
        if (e.Name is not null) r.Set("PARTLABEL", e.Name);
        if (e.Uuid is not null) r.Set("PARTUUID", e.Uuid);
        r.Set("PART_ENTRY_SCHEME", table.Type);
        if (e.Name is not null) r.Set("PART_ENTRY_NAME", e.Name);
        if (e.Uuid is not null) r.Set("PART_ENTRY_UUID", e.Uuid);
        r.Set("PART_ENTRY_TYPE", e.Type);
        if (flags != 0) r.Set("PART_ENTRY_FLAGS", $"0x{flags:x}");
        r.Set("PART_ENTRY_NUMBER", e.Number.ToString());
        r.Set("PART_ENTRY_OFFSET", e.Start.ToString());
        r.Set("PART_ENTRY_SIZE", e.Size.ToString());
        r.Set("PART_ENTRY_DISK", diskDevno);
    }

    /// <summary>The keys of the block device at <paramref name="path"/> when sysfs says it is a partition;
    /// nothing for an image file or a whole disk. Never throws: a table that cannot be read is a problem noted
    /// in <paramref name="r"/>.</summary>
    public static void AddForPath(string path, ProbeResult r, string sys = "/sys")
    {
        if (!Libc.TryStat(path, out var st) || !st.IsBlockDevice) return;
        var link = Path.Combine(sys, "dev/block", $"{StatBuf.Major(st.Rdev)}:{StatBuf.Minor(st.Rdev)}");
        string name;
        try { name = Path.GetFileName(new DirectoryInfo(link).ResolveLinkTarget(true)?.FullName ?? ""); }
        catch (IOException) { return; }
        if (name.Length > 0 && SysfsBlock.Read(sys, name) is { IsPartition: true } part)
            AddForDevice(part, r, disk => ReadTable(disk), sys);
    }

    /// <summary>The keys of partition <paramref name="part"/>, its disk's table read through
    /// <paramref name="table"/> (which may cache it: every partition of a disk reads the same one).</summary>
    public static void AddForDevice(BlockDevice part, ProbeResult r, Func<string, PartitionTable?> table,
        string sys = "/sys")
    {
        if (!part.IsPartition || part.Parent is not { } parent) return;
        try
        {
            var pt = table(parent);
            if (pt is null) return;
            var e = Find(pt, part.PartitionNumber, part.StartSector, part.SizeBytes / Sector);
            if (e is null) return;
            ulong flags;
            using (var src = new FileProbeSource("/dev/" + parent)) flags = ReadFlags(src, pt, e);
            var disk = SysfsBlock.Read(sys, parent);
            Add(r, pt, e, flags, disk is null ? "0:0" : $"{disk.Major}:{disk.Minor}");
        }
        catch (Exception ex) { r.NoteProblem($"partition table of /dev/{parent}: {Prober.Describe(ex)}"); }
    }

    /// <summary>The disk's table, or null when it has none or cannot be read.</summary>
    public static PartitionTable? ReadTable(string disk)
    {
        try
        {
            using var src = new FileProbeSource("/dev/" + disk);
            return Prober.ReadPartitionTable(src);
        }
        catch (Exception) { return null; }
    }

    /// <summary>The entry's flags as libblkid reads them: the boot indicator of its dos slot (in the MBR, or in
    /// its EBR for a logical partition), the 64-bit attributes of a gpt entry. 0 when the slot read back is not
    /// this entry's (another start, another GUID), so a table that changed in between gives no wrong flags.</summary>
    public static ulong ReadFlags(ProbeSource disk, PartitionTable table, PartitionEntry e) => table.Type switch
    {
        "gpt" => GptAttributes(disk, e, 1) ?? GptAttributes(disk, e, disk.Size / Sector - 1) ?? 0,
        "dos" => DosBootIndicator(disk, e),
        _ => 0,
    };

    private static ulong? GptAttributes(ProbeSource disk, PartitionEntry e, long headerLba)
    {
        var hdr = disk.Read(headerLba * Sector, Sector);
        if (hdr.IsEmpty || !Bytes.Is(hdr, 0, "EFI PART") || Bytes.Le32(hdr, 84) != GptEntrySize) return null;
        var entriesLba = Bytes.Le64(hdr, 72);
        if (entriesLba > (ulong)(disk.Size / Sector)) return null;
        var slot = disk.Read((long)entriesLba * Sector + (long)(e.Number - 1) * GptEntrySize, GptEntrySize);
        if (slot.IsEmpty || Bytes.Guid(slot.Slice(16, 16)) != e.Uuid) return null;
        return Bytes.Le64(slot, 48);
    }

    private static ulong DosBootIndicator(ProbeSource disk, PartitionEntry e)
    {
        var mbr = disk.Read(0, Sector);
        if (mbr.IsEmpty) return 0;
        if (e.Number <= 4)
        {
            var slot = mbr.Slice(446 + (e.Number - 1) * 16, 16);
            return Bytes.Le32(slot, 8) == e.Start ? slot[0] : 0UL;
        }
        long extStart = 0;
        for (var i = 0; i < 4 && extStart == 0; i++)
            if (mbr[446 + i * 16 + 4] is 0x05 or 0x0F or 0x85) extStart = Bytes.Le32(mbr, 446 + i * 16 + 8);
        // the EBR chain as DosPartitionTable walks it, bounded, forward only
        var ebrLba = extStart;
        for (var n = 0; n < MaxLogical && ebrLba > 0; n++)
        {
            var ebr = disk.Read(ebrLba * Sector, Sector);
            if (ebr.IsEmpty || ebr[510] != 0x55 || ebr[511] != 0xAA) return 0;
            long next = 0;
            for (var i = 0; i < 4; i++)
            {
                var slot = ebr.Slice(446 + i * 16, 16);
                long start = Bytes.Le32(slot, 8), size = Bytes.Le32(slot, 12);
                if (slot[4] == 0 || size == 0) continue;
                if (slot[4] is 0x05 or 0x0F or 0x85) { if (next == 0) next = start; continue; }
                if (ebrLba + start == e.Start) return slot[0];
            }
            var nextLba = next == 0 ? 0 : extStart + next;
            if (nextLba <= ebrLba) return 0;
            ebrLba = nextLba;
        }
        return 0;
    }
}
