namespace LiveInit.Probe.Filesystems;

/// <summary>NTFS ("NTFS    " at 3) with libblkid's boot-sector checks; the label is the $VOLUME_NAME
/// attribute of MFT record 3 ($Volume), UUID the 64-bit volume serial as 16 upper-case hex digits.</summary>
public sealed class NtfsProber : IFilesystemProber
{
    public string Name => "ntfs";
    public ProbeUsage Usage => ProbeUsage.Filesystem;

    public bool Probe(ProbeSource src, ProbeResult r)
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
        var mftCluster = Bytes.Le64(bs, 0x30);
        var totalSectors = Bytes.Le64(bs, 0x28);
        // unsigned and without overflow: libblkid compares the MFT cluster with number_of_sectors / cluster
        if (mftCluster == 0 || mftCluster > totalSectors / (ulong)sectorsPerCluster) return false;
        if (mftCluster > (ulong)(src.Size / clusterSize)) return false;   // beyond the device: nothing to read
        var mftOffset = (long)mftCluster * clusterSize;
        var mft0 = src.Read(mftOffset, (int)recordSize);
        if (mft0.IsEmpty || !(Bytes.Is(mft0, 0, "FILE") || Bytes.Is(mft0, 0, "BAAD"))) return false;
        r.Set("TYPE", "ntfs");
        var vol = src.Read(mftOffset + 3 * recordSize, (int)recordSize);
        if (!vol.IsEmpty && Bytes.Is(vol, 0, "FILE") && VolumeName(vol) is { } label) r.SetLabel("LABEL", label);
        r.Set("UUID", Bytes.Le64(bs, 0x48).ToString("X16"));
        return true;
    }

    /// <summary>The value of the resident $VOLUME_NAME attribute (0x60) of the $Volume record, walking the
    /// attributes in 64-bit arithmetic: every length and offset comes from the medium.</summary>
    private static byte[]? VolumeName(ReadOnlySpan<byte> vol)
    {
        long off = Bytes.Le16(vol, 0x14);
        while (off + 24 <= vol.Length)
        {
            var type = Bytes.Le32(vol, (int)off);
            long len = Bytes.Le32(vol, (int)off + 4);
            if (type == 0xFFFFFFFF || len == 0 || off + len > vol.Length) return null;
            if (type == 0x60 && vol[(int)off + 8] == 0)
            {
                long valueLen = Bytes.Le32(vol, (int)off + 0x10);
                long valueOff = Bytes.Le16(vol, (int)off + 0x14);
                if (valueOff + valueLen > len) return null;
                return Bytes.Utf16ToUtf8(vol.Slice((int)(off + valueOff), (int)valueLen), bigEndian: false);
            }
            off += len;
        }
        return null;
    }
}
