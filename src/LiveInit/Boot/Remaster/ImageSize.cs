using LiveInit.Probe;

namespace LiveInit.Boot.Remaster;

/// <summary>How many bytes a filesystem image says it needs, from its superblock: a file shorter than that is
/// a truncated copy. squashfs: <c>bytes_used</c> (le64 at 40, squashfs_fs.h); erofs: <c>blocks</c> (le32 at
/// 1024+0x24) times 2^<c>blkszbits</c> (1024+0x0C, erofs_fs.h); ext2/3/4: <c>s_blocks_count</c> (lo at 1024+4,
/// hi at 1024+0x150 with INCOMPAT_64BIT) times 1024 &lt;&lt; <c>s_log_block_size</c> (1024+24, ext2_fs.h).</summary>
public static class ImageSize
{
    private const int ExtSb = 1024;
    private const uint ExtIncompat64Bit = 0x80;

    /// <summary>The size the superblock declares, or null when the type has none or the values are absurd.</summary>
    public static long? Declared(ProbeSource src, string type)
    {
        switch (type)
        {
            case "squashfs":
            {
                var sb = src.Read(0, 48);
                if (sb.IsEmpty) return null;
                var used = Bytes.Le64(sb, 40);
                return used is >= 96 and < long.MaxValue / 2 ? (long)used : null;
            }
            case "erofs":
            {
                var sb = src.Read(1024, 0x28);
                if (sb.IsEmpty) return null;
                var bits = sb[0x0C];
                return bits is >= 9 and <= 16 ? (long)Bytes.Le32(sb, 0x24) << bits : null;
            }
            case "ext2" or "ext3" or "ext4":
            {
                var sb = src.Read(ExtSb, 0x158);
                if (sb.IsEmpty) return null;
                var log = Bytes.Le32(sb, 24);
                if (log > 6) return null;   // block sizes 1 KiB .. 64 KiB
                ulong blocks = Bytes.Le32(sb, 4);
                if ((Bytes.Le32(sb, 0x60) & ExtIncompat64Bit) != 0) blocks |= (ulong)Bytes.Le32(sb, 0x150) << 32;
                if (blocks == 0 || blocks > (1UL << 40)) return null;
                return (long)(blocks << (int)(10 + log));
            }
            default:
                return null;
        }
    }
}
