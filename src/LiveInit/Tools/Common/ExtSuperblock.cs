using System.Buffers.Binary;

namespace LiveInit.Tools.Common;

/// <summary>The sizes an ext2/3/4 superblock records (&lt;linux/ext2_fs.h&gt;, at byte 1024): block size, block
/// count and free blocks (the high halves with the 64bit feature). Pure; used to check a resize and to report.</summary>
public readonly record struct ExtSuperblock(long BlockSize, long Blocks, long FreeBlocks)
{
    public const int Offset = 1024;
    private const uint Incompat64Bit = 0x80;

    public long Bytes => BlockSize * Blocks;
    public long FreeBytes => BlockSize * FreeBlocks;

    public static ExtSuperblock? Parse(ReadOnlySpan<byte> sb)
    {
        if (sb.Length < 1024 || BinaryPrimitives.ReadUInt16LittleEndian(sb[0x38..]) != 0xEF53) return null;
        var log = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x18..]);
        if (log > 6) return null;
        var wide = (BinaryPrimitives.ReadUInt32LittleEndian(sb[0x60..]) & Incompat64Bit) != 0;
        long blocks = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x04..]);
        long free = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x0C..]);
        if (wide)
        {
            blocks |= (long)BinaryPrimitives.ReadUInt32LittleEndian(sb[0x150..]) << 32;
            free |= (long)BinaryPrimitives.ReadUInt32LittleEndian(sb[0x158..]) << 32;
        }
        return new ExtSuperblock(1024L << (int)log, blocks, free);
    }

    /// <summary>The superblock of an image file or a block device, or null when it holds no ext filesystem.</summary>
    public static ExtSuperblock? Read(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buf = new byte[1024];
        f.Position = Offset;
        return f.ReadAtLeast(buf, buf.Length, throwOnEndOfStream: false) == buf.Length ? Parse(buf) : null;
    }
}
