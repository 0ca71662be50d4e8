namespace LiveInit.Probe.Filesystems;

/// <summary>exFAT ("EXFAT   " at 3): the label is the root directory's volume-label entry (type 0x83,
/// UTF-16LE), UUID the volume serial XXXX-XXXX, VERSION the file-system revision.</summary>
public sealed class ExfatProber : IFilesystemProber
{
    public string Name => "exfat";
    public ProbeUsage Usage => ProbeUsage.Filesystem;

    public bool Probe(ProbeSource src, ProbeResult r)
    {
        var bs = src.Read(0, 512);
        if (bs.IsEmpty || !Bytes.Is(bs, 3, "EXFAT   ")) return false;
        int sectorShift = bs[0x6C], clusterShift = bs[0x6D];
        if (sectorShift is < 9 or > 12 || clusterShift > 25 - sectorShift || bs[0x6E] == 0) return false;
        if (!Bytes.AllZero(bs.Slice(11, 53))) return false;
        var fatOffset = Bytes.Le32(bs, 0x50);
        var heapOffset = Bytes.Le32(bs, 0x58);
        var clusterCount = Bytes.Le32(bs, 0x5C);
        var rootCluster = Bytes.Le32(bs, 0x60);
        if (fatOffset < 24 || rootCluster < 2 || rootCluster > clusterCount + 1L) return false;
        long sector = 1L << sectorShift, cluster = sector << clusterShift;
        r.Set("TYPE", "exfat");
        var label = FindLabel(src, fatOffset * sector, heapOffset * sector, cluster, rootCluster, clusterCount);
        if (label is not null) r.SetLabel("LABEL", label);
        var s = bs.Slice(0x64, 4);
        r.Set("UUID", $"{s[3]:X2}{s[2]:X2}-{s[1]:X2}{s[0]:X2}");
        r.Set("VERSION", $"{bs[0x69]}.{bs[0x68]}");
        return true;
    }

    /// <summary>Root-directory entries looked at, as libblkid's exfat.c find_label (max_iter).</summary>
    private const int MaxEntries = 10000;

    /// <summary>libblkid's find_label: the first volume-label entry (0x83) along the root directory's cluster
    /// chain, at most <see cref="MaxEntries"/> entries, read in slices of <see cref="ProbeSource.SliceSize"/> (a
    /// cluster may be 32 MiB); the chain is not followed back to a cluster already seen.</summary>
    private static byte[]? FindLabel(ProbeSource src, long fatStart, long heapStart, long clusterSize, uint cluster,
        uint count)
    {
        if (clusterSize > 1 << 25) return null;
        var seen = new HashSet<uint>();
        var entries = 0;
        while (cluster >= 2 && cluster <= count + 1L && seen.Add(cluster))
        {
            var start = heapStart + (cluster - 2L) * clusterSize;
            for (long pos = 0; pos < clusterSize; pos += ProbeSource.SliceSize)
            {
                var dir = src.Read(start + pos, (int)Math.Min(ProbeSource.SliceSize, clusterSize - pos));
                if (dir.IsEmpty) return null;
                for (var i = 0; i + 32 <= dir.Length; i += 32)
                {
                    if (++entries > MaxEntries) return null;
                    var type = dir[i];
                    if (type == 0x00) return null;
                    if (type == 0x83)
                    {
                        var n = Math.Min((int)dir[i + 1], 11);
                        return Bytes.Utf16ToUtf8(dir.Slice(i + 2, n * 2), bigEndian: false);
                    }
                }
            }
            var next = src.Read(fatStart + cluster * 4L, 4);
            if (next.IsEmpty) return null;
            cluster = Bytes.Le32(next, 0);
        }
        return null;
    }
}
