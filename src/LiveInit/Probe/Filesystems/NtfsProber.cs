namespace LiveInit.Probe.Filesystems;

/// <summary>NTFS ("NTFS    " at 3) with libblkid's boot-sector checks; the label is the $VOLUME_NAME
/// attribute of MFT record 3 ($Volume), UUID the 64-bit volume serial as 16 upper-case hex digits.</summary>
public sealed class NtfsProber : IFilesystemProber
{
    public string Name => "ntfs";
    public ProbeUsage Usage => ProbeUsage.Filesystem;

    public bool Probe(IProbeSource src, ProbeResult r)
    {
        var bs = src.Read(0, 512);
        if (bs.IsEmpty || !Bytes.Is(bs, 3, "NTFS    ")) return false;
        var sectorSize = Bytes.Le16(bs, 0x0B);
        int sectorsPerCluster = bs[0x0D];
        if (sectorSize < 256 || sectorSize > 4096 || (sectorSize & (sectorSize - 1)) != 0) return false;
        if (sectorsPerCluster > 0xF3) sectorsPerCluster = 1 << (256 - sectorsPerCluster);
        else if (sectorsPerCluster is not (1 or 2 or 4 or 8 or 16 or 32 or 64 or 128)) return false;
        if (Bytes.Le16(bs, 0x0E) != 0 || bs[0x10] != 0 || Bytes.Le16(bs, 0x11) != 0 || Bytes.Le16(bs, 0x13) != 0
            || Bytes.Le16(bs, 0x16) != 0 || Bytes.Le32(bs, 0x20) != 0)
            return false;
        var clusterSize = (long)sectorSize * sectorsPerCluster;
        var perRecord = (sbyte)bs[0x40];
        long recordSize = perRecord > 0 ? perRecord * clusterSize : 1L << -perRecord;
        if (recordSize < 256 || recordSize > 65536) return false;
        var mftCluster = (long)Bytes.Le64(bs, 0x30);
        var totalSectors = (long)Bytes.Le64(bs, 0x28);
        if (mftCluster <= 0 || mftCluster * sectorsPerCluster > totalSectors) return false;
        var mftOffset = mftCluster * clusterSize;
        var mft0 = src.Read(mftOffset, (int)recordSize);
        if (mft0.IsEmpty || !(Bytes.Is(mft0, 0, "FILE") || Bytes.Is(mft0, 0, "BAAD"))) return false;
        r.Set("TYPE", "ntfs");
        var vol = src.Read(mftOffset + 3 * recordSize, (int)recordSize);
        if (!vol.IsEmpty && Bytes.Is(vol, 0, "FILE"))
        {
            int off = Bytes.Le16(vol, 0x14);
            while (off + 24 <= vol.Length)
            {
                var type = Bytes.Le32(vol, off);
                var len = (int)Bytes.Le32(vol, off + 4);
                if (type == 0xFFFFFFFF || len <= 0 || off + len > vol.Length) break;
                if (type == 0x60 && vol[off + 8] == 0)
                {
                    var valueLen = (int)Bytes.Le32(vol, off + 0x10);
                    int valueOff = Bytes.Le16(vol, off + 0x14);
                    if (valueOff + valueLen <= len)
                        r.SetLabel("LABEL", Bytes.Utf16ToUtf8(vol.Slice(off + valueOff, valueLen), bigEndian: false));
                    break;
                }
                off += len;
            }
        }
        r.Set("UUID", Bytes.Le64(bs, 0x48).ToString("X16"));
        return true;
    }
}
