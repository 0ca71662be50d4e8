namespace LiveInit.Probe.Filesystems;

/// <summary>
/// FAT12/16/32 as libblkid's vfat.c sees it. The boot sector must pass the same sanity checks (FAT count,
/// reserved sectors, media byte, power-of-two cluster and sector sizes, cluster count within the FAT
/// type's limit; with only the 0x55AA signature as magic, not a JFS/HPFS pseudo header). LABEL is the volume
/// label entry of the root directory; LABEL_FATBOOT the boot-sector label unless it is "NO NAME";
/// UUID the volume serial as XXXX-XXXX; VERSION FAT12/FAT16/FAT32.
/// </summary>
public sealed class VfatProber : IFilesystemProber
{
    private const uint Fat12Max = 0xFF4, Fat16Max = 0xFFF4, Fat32Max = 0x0FFFFFF6;

    public string Name => "vfat";
    public ProbeUsage Usage => ProbeUsage.Filesystem;

    /// <summary>True when the first sector is a valid FAT boot sector (the dos partition-table prober uses
    /// this to tell a FAT boot sector from an MBR, as libblkid does).</summary>
    public static bool LooksLikeFat(ReadOnlySpan<byte> bs) => Geometry(bs, out _);

    private readonly record struct Fat(uint SectorSize, uint Reserved, uint FatSize, uint ClusterCount, bool IsFat32, uint ClusterSize, ushort DirEntries);

    private static bool HasMagic(ReadOnlySpan<byte> bs, out bool signatureOnly)
    {
        signatureOnly = false;
        if (Bytes.Is(bs, 0x52, "MSWIN") || Bytes.Is(bs, 0x52, "FAT32   ") || Bytes.Is(bs, 0x36, "MSDOS")
            || Bytes.Is(bs, 0x36, "FAT16   ") || Bytes.Is(bs, 0x36, "FAT12   ") || Bytes.Is(bs, 0x36, "FAT     "))
            return true;
        if (bs[0] is 0xEB or 0xE9 || (bs[510] == 0x55 && bs[511] == 0xAA))
        {
            signatureOnly = true;
            return true;
        }
        return false;
    }

    private static bool Geometry(ReadOnlySpan<byte> bs, out Fat fat)
    {
        fat = default;
        if (bs.Length < 512 || !HasMagic(bs, out var signatureOnly)) return false;
        if (signatureOnly)
        {
            if (bs[510] != 0x55 || bs[511] != 0xAA) return false;
            if (Bytes.Is(bs, 0x36, "JFS     ") || Bytes.Is(bs, 0x36, "HPFS    ")) return false;
        }
        var fats = bs[0x10];
        var reserved = Bytes.Le16(bs, 0x0E);
        var media = bs[0x15];
        var clusterSize = bs[0x0D];
        var sectorSize = Bytes.Le16(bs, 0x0B);
        if (fats == 0 || reserved == 0 || !(media >= 0xF8 || media == 0xF0)) return false;
        if (clusterSize == 0 || (clusterSize & (clusterSize - 1)) != 0) return false;
        if (sectorSize < 512 || sectorSize > 4096 || (sectorSize & (sectorSize - 1)) != 0) return false;
        var dirEntries = Bytes.Le16(bs, 0x11);
        uint sectors = Bytes.Le16(bs, 0x13);
        if (sectors == 0) sectors = Bytes.Le32(bs, 0x20);
        uint fatLength = Bytes.Le16(bs, 0x16);
        var isFat32 = fatLength == 0;
        if (isFat32) fatLength = Bytes.Le32(bs, 0x24);
        var fatSize = fatLength * fats;
        var dirSize = ((uint)dirEntries * 32 + sectorSize - 1) / sectorSize;
        long clusters = (long)sectors - (reserved + (long)fatSize + dirSize);
        if (clusters < 0) clusters = 0;
        clusters /= clusterSize;
        var max = isFat32 ? Fat32Max : Fat16Max;
        if (isFat32 && fatLength == 0) return false;
        if (clusters > max) return false;
        fat = new Fat(sectorSize, reserved, fatSize, (uint)clusters, isFat32, clusterSize, dirEntries);
        return true;
    }

    public bool Probe(ProbeSource src, ProbeResult r)
    {
        var bs = src.Read(0, 512);
        if (bs.IsEmpty || !Geometry(bs, out var fat)) return false;
        byte[]? volLabel = null;
        ReadOnlySpan<byte> bootLabel;
        ReadOnlySpan<byte> serial;
        string version;
        if (!fat.IsFat32)
        {
            var rootStart = (long)(fat.Reserved + fat.FatSize) * fat.SectorSize;
            volLabel = SearchLabel(src, rootStart, fat.DirEntries);
            bootLabel = bs.Slice(0x2B, 11);
            serial = bs.Slice(0x27, 4);
            version = fat.ClusterCount < Fat12Max ? "FAT12" : "FAT16";
            r.Set("SEC_TYPE", "msdos");
        }
        else
        {
            var clusterBytes = fat.ClusterSize * fat.SectorSize;
            var startData = fat.Reserved + fat.FatSize;
            var entries = (uint)Math.Min((ulong)Bytes.Le32(bs, 0x24) * fat.SectorSize / 4, uint.MaxValue);
            var next = Bytes.Le32(bs, 0x2C);
            var maxLoop = 100;   // libblkid vfat.c: at most 99 clusters of the root directory
            var seen = new HashSet<uint>();
            while (next >= 2 && next < entries && --maxLoop > 0 && seen.Add(next))
            {
                var off = ((long)startData + (long)(next - 2) * fat.ClusterSize) * fat.SectorSize;
                volLabel = SearchLabel(src, off, clusterBytes / 32);
                if (volLabel is not null) break;
                var entry = src.Read((long)fat.Reserved * fat.SectorSize + (long)next * 4, 4);
                if (entry.IsEmpty) break;
                next = Bytes.Le32(entry, 0) & 0x0FFFFFFF;
            }
            bootLabel = bs.Slice(0x47, 11);
            serial = bs.Slice(0x43, 4);
            version = "FAT32";
            var fsinfoSector = Bytes.Le16(bs, 0x30);
            if (fsinfoSector != 0)
            {
                var fsinfo = src.Read((long)fsinfoSector * fat.SectorSize, 512);
                if (fsinfo.IsEmpty) return false;
                var s1 = fsinfo[..4];
                if (!(Bytes.Is(s1, 0, "RRaA") || Bytes.Is(s1, 0, "RRdA") || Bytes.AllZero(s1))) return false;
                var s2 = fsinfo.Slice(484, 4);
                if (!(Bytes.Is(s2, 0, "rrAa") || Bytes.AllZero(s2))) return false;
            }
        }
        r.Set("TYPE", "vfat");
        if (!Bytes.Is(bootLabel, 0, "NO NAME    ")) r.SetLabel("LABEL_FATBOOT", bootLabel);
        if (volLabel is not null) r.SetLabel("LABEL", volLabel);
        r.Set("UUID", $"{serial[3]:X2}{serial[2]:X2}-{serial[1]:X2}{serial[0]:X2}");
        r.Set("VERSION", version);
        return true;
    }

    /// <summary>The first volume-label entry of a directory region (libblkid search_fat_label), read in slices of
    /// <see cref="ProbeSource.SliceSize"/> up to the end-of-directory entry.</summary>
    private static byte[]? SearchLabel(ProbeSource src, long offset, uint entries)
    {
        if (entries == 0 || entries > 1 << 20) return null;
        var length = entries * 32L;
        for (long pos = 0; pos < length; pos += ProbeSource.SliceSize)
        {
            var dir = src.Read(offset + pos, (int)Math.Min(ProbeSource.SliceSize, length - pos));
            if (dir.IsEmpty) return null;
            for (var i = 0; i + 32 <= dir.Length; i += 32)
            {
                var e = dir.Slice(i, 32);
                if (e[0] == 0x00) return null;
                var attr = e[11];
                if (e[0] == 0xE5 || Bytes.Le16(e, 20) != 0 || Bytes.Le16(e, 26) != 0 || (attr & 0x3F) == 0x0F) continue;
                if ((attr & (0x08 | 0x10)) == 0x08)
                {
                    var name = e[..11].ToArray();
                    if (name[0] == 0x05) name[0] = 0xE5;
                    return name;
                }
            }
        }
        return null;
    }
}
