using System.Buffers.Binary;
using System.Text;
using LiveInit.Probe;

namespace LiveInit.Tests;

/// <summary>
/// Hostile images written byte by byte, each the shape of an attack on the prober: sparse files (only the
/// structures and the data a scanner would look at are written), so a 3 GB image costs a few MiB of disk.
/// </summary>
public static class CraftedImages
{
    private const long MiB = 1 << 20;

    /// <summary>exFAT, 512-byte sectors and 32 MiB clusters, with a root directory of <paramref name="rootClusters"/>
    /// chained clusters (2, 3, ... end of chain) and no volume label. Every entry of the first root cluster is a
    /// deleted file entry (type 0x05: not the end of the directory, so a scanner must go on), and so is the first
    /// 64 KiB of every other root cluster; the rest is a hole. Size: (1 + rootClusters) x 32 MiB.</summary>
    public static void Exfat(string path, int rootClusters)
    {
        const int sectorShift = 9, clusterShift = 16;
        const long cluster = 1L << (sectorShift + clusterShift);
        const uint fatOffset = 2048, fatLength = 2048, heapOffset = 65536;   // in sectors: FAT at 1 MiB, heap at 32 MiB
        var clusterCount = (uint)rootClusters + 8;
        using var f = Create(path, (heapOffset << sectorShift) + clusterCount * cluster);
        var bs = new byte[512];
        bs[0] = 0xEB; bs[1] = 0x76; bs[2] = 0x90;
        Encoding.ASCII.GetBytes("EXFAT   ").CopyTo(bs, 3);
        Le64(bs, 0x48, (ulong)(f.Length >> sectorShift));
        Le32(bs, 0x50, fatOffset);
        Le32(bs, 0x54, fatLength);
        Le32(bs, 0x58, heapOffset);
        Le32(bs, 0x5C, clusterCount);
        Le32(bs, 0x60, 2);
        Le32(bs, 0x64, 0xC0FFEE42);
        bs[0x68] = 0; bs[0x69] = 1;
        bs[0x6C] = sectorShift; bs[0x6D] = clusterShift; bs[0x6E] = 1; bs[0x6F] = 0x80;
        bs[510] = 0x55; bs[511] = 0xAA;
        Write(f, 0, bs);
        var fat = new byte[(rootClusters + 2) * 4];
        Le32(fat, 0, 0xFFFFFFF8); Le32(fat, 4, 0xFFFFFFFF);
        for (var c = 2; c < rootClusters + 2; c++) Le32(fat, c * 4, c == rootClusters + 1 ? 0xFFFFFFFF : (uint)c + 1);
        Write(f, fatOffset << sectorShift, fat);
        var deleted = Entries(MiB, 0x05);
        var heap = (long)heapOffset << sectorShift;
        for (var pos = 0L; pos < cluster; pos += deleted.Length) Write(f, heap + pos, deleted);
        for (var c = 1; c < rootClusters; c++) Write(f, heap + c * cluster, deleted.AsSpan(0, 64 * 1024));
    }

    /// <summary>FAT32, 4096-byte sectors and 128 sectors per cluster (512 KiB clusters, the largest FAT allows),
    /// whose root directory chain runs through <paramref name="loop"/> distinct clusters and then back to the
    /// first one. Each chain cluster starts with 8 KiB of deleted entries (0xE5) and is a hole after that.</summary>
    public static void Fat32LoopingRoot(string path, int loop = 64)
    {
        const int sector = 4096, perCluster = 128, reserved = 32, fats = 2;
        const long cluster = (long)sector * perCluster;
        const uint fatSectors = 64;                  // 64 x 4096 / 4 = 65536 FAT entries
        const uint clusters = 128;                   // FAT32 by the FAT16 length field being 0
        var dataStart = (long)(reserved + fats * fatSectors) * sector;
        using var f = Create(path, dataStart + clusters * cluster);
        var bs = new byte[sector];
        bs[0] = 0xEB; bs[1] = 0x58; bs[2] = 0x90;
        Encoding.ASCII.GetBytes("MSWIN4.1").CopyTo(bs, 3);
        Le16(bs, 0x0B, sector);
        bs[0x0D] = perCluster;
        Le16(bs, 0x0E, reserved);
        bs[0x10] = fats;
        bs[0x15] = 0xF8;
        Le32(bs, 0x20, (uint)(f.Length / sector));
        Le32(bs, 0x24, fatSectors);
        Le32(bs, 0x2C, 2);
        Le16(bs, 0x30, 1);
        bs[0x42] = 0x29;
        Le32(bs, 0x43, 0x1234ABCD);
        Encoding.ASCII.GetBytes("NO NAME    FAT32   ").CopyTo(bs, 0x47);
        bs[510] = 0x55; bs[511] = 0xAA;
        Write(f, 0, bs);
        var fsinfo = new byte[sector];
        Encoding.ASCII.GetBytes("RRaA").CopyTo(fsinfo, 0);
        Encoding.ASCII.GetBytes("rrAa").CopyTo(fsinfo, 484);
        Write(f, sector, fsinfo);
        var fat = new byte[(loop + 2) * 4];
        Le32(fat, 0, 0x0FFFFFF8); Le32(fat, 4, 0x0FFFFFFF);
        for (var c = 2; c < loop + 2; c++) Le32(fat, c * 4, c == loop + 1 ? 2u : (uint)c + 1);
        for (var copy = 0; copy < fats; copy++) Write(f, (reserved + copy * fatSectors) * (long)sector, fat);
        var deleted = Entries(8 * 1024, 0xE5);
        for (var c = 0; c < loop; c++) Write(f, dataStart + c * cluster, deleted);
    }

    /// <summary>A protective MBR and GPT headers (primary at LBA 1, backup at the last LBA) with valid header
    /// CRCs claiming <paramref name="entries"/> entries of <paramref name="entrySize"/> bytes; the two entry
    /// arrays are distinct and their CRC is wrong, so a reader that accepts the header reads both.</summary>
    public static void Gpt(string path, uint entries = 4096, uint entrySize = 4096)
    {
        var arrayBytes = (long)entries * entrySize;
        var arraySectors = (arrayBytes + 511) / 512;
        var total = 2 * (arraySectors + 2) * 512 + 8 * MiB;
        using var f = Create(path, total);
        var lastLba = total / 512 - 1;
        var mbr = new byte[512];
        mbr[446 + 4] = 0xEE;
        Le32(mbr, 446 + 8, 1);
        Le32(mbr, 446 + 12, (uint)Math.Min(lastLba, uint.MaxValue));
        mbr[510] = 0x55; mbr[511] = 0xAA;
        Write(f, 0, mbr);
        var firstUsable = 2 + arraySectors;
        var lastUsable = lastLba - 1 - arraySectors;
        Write(f, 512, GptHeader(1, lastLba, firstUsable, lastUsable, 2, entries, entrySize));
        Write(f, lastLba * 512, GptHeader(lastLba, 1, firstUsable, lastUsable, lastUsable + 1, entries, entrySize));
        // one non-zero entry in each array, so that neither is a hole that reads as zeroes
        Write(f, 2 * 512L, Entries(128, 0x11));
        Write(f, (lastUsable + 1) * 512, Entries(128, 0x22));
    }

    private static byte[] GptHeader(long lba, long alternate, long firstUsable, long lastUsable, long entriesLba,
        uint entries, uint entrySize)
    {
        var h = new byte[512];
        Encoding.ASCII.GetBytes("EFI PART").CopyTo(h, 0);
        Le32(h, 8, 0x00010000);
        Le32(h, 12, 92);
        Le64(h, 24, (ulong)lba);
        Le64(h, 32, (ulong)alternate);
        Le64(h, 40, (ulong)firstUsable);
        Le64(h, 48, (ulong)lastUsable);
        for (var i = 0; i < 16; i++) h[56 + i] = (byte)(0xA0 + i);
        Le64(h, 72, (ulong)entriesLba);
        Le32(h, 80, entries);
        Le32(h, 84, entrySize);
        Le32(h, 88, 0xBAD0C0DE);   // not the CRC of the array
        Le32(h, 16, Crc32.Compute(h.AsSpan(0, 92)));
        return h;
    }

    /// <summary>NTFS (512-byte sectors, 4 KiB clusters, 1 KiB MFT records) whose $Volume record (MFT record 3)
    /// starts with an attribute of length <paramref name="attributeLength"/> (0x7FFFFFF0: attrs offset + length
    /// overflows a 32-bit int) or, with <paramref name="valueLength"/>, a $VOLUME_NAME whose value length
    /// overflows the value offset. 16 MiB.</summary>
    public static void Ntfs(string path, uint attributeLength = 0x7FFFFFF0, uint? valueLength = null)
    {
        const int sectorSize = 512, perCluster = 8, record = 1024;
        const long mftCluster = 4;
        using var f = Create(path, 16 * MiB);
        var bs = new byte[512];
        bs[0] = 0xEB; bs[1] = 0x52; bs[2] = 0x90;
        Encoding.ASCII.GetBytes("NTFS    ").CopyTo(bs, 3);
        Le16(bs, 0x0B, sectorSize);
        bs[0x0D] = perCluster;
        bs[0x15] = 0xF8;
        Le64(bs, 0x28, (ulong)(f.Length / sectorSize - 1));
        Le64(bs, 0x30, mftCluster);
        Le64(bs, 0x38, 8);
        bs[0x40] = 0xF6;   // 2^10 = 1 KiB records
        bs[0x44] = 1;
        Le64(bs, 0x48, 0x0123456789ABCDEF);
        bs[510] = 0x55; bs[511] = 0xAA;
        Write(f, 0, bs);
        var mftOffset = mftCluster * perCluster * sectorSize;
        var mft0 = new byte[record];
        Encoding.ASCII.GetBytes("FILE").CopyTo(mft0, 0);
        Le16(mft0, 0x14, 0x38);
        Le32(mft0, 0x38, 0xFFFFFFFF);
        Write(f, mftOffset, mft0);
        var vol = (byte[])mft0.Clone();
        if (valueLength is { } v)
        {
            Le32(vol, 0x38, 0x60);            // $VOLUME_NAME, resident
            Le32(vol, 0x38 + 4, 0x28);
            Le32(vol, 0x38 + 0x10, v);
            Le16(vol, 0x38 + 0x14, 0x18);
            Le32(vol, 0x38 + 0x28, 0xFFFFFFFF);
        }
        else
        {
            Le32(vol, 0x38, 0x10);            // $STANDARD_INFORMATION with a hostile length
            Le32(vol, 0x38 + 4, attributeLength);
        }
        Write(f, mftOffset + 3 * record, vol);
    }

    /// <summary><paramref name="bytes"/> bytes of 32-byte directory entries whose first byte is
    /// <paramref name="type"/> (the rest of each entry is a recognisable pattern).</summary>
    private static byte[] Entries(long bytes, byte type)
    {
        var b = new byte[bytes];
        for (var i = 0; i < b.Length; i++) b[i] = (byte)(i % 32 == 0 ? type : 0x41 + i % 26);
        return b;
    }

    private static FileStream Create(string path, long length)
    {
        var f = new FileStream(path, FileMode.Create, FileAccess.ReadWrite);
        f.SetLength(length);
        return f;
    }

    private static void Write(FileStream f, long offset, ReadOnlySpan<byte> data)
    {
        f.Position = offset;
        f.Write(data);
    }

    private static void Le16(byte[] b, int o, int v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(o), (ushort)v);
    private static void Le32(byte[] b, int o, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(o), v);
    private static void Le64(byte[] b, int o, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(o), v);
}
