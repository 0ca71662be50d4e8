using System.Runtime.InteropServices;

namespace LiveInit.Native;

/// <summary>struct statfs for x86_64 (&lt;bits/statfs.h&gt;), 120 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct StatfsBuf
{
    public long Type, BlockSize;
    public ulong Blocks, BlocksFree, BlocksAvailable, Files, FilesFree;
    public ulong Fsid;
    public long NameLen, FragmentSize, Flags;
    private long _s0, _s1, _s2, _s3;

    public const long RAMFS_MAGIC = 0x858458f6, TMPFS_MAGIC = 0x01021994, MSDOS_MAGIC = 0x4d44, EXFAT_MAGIC = 0x2011BAB0,
        NTFS_MAGIC = 0x5346544e, FUSE_MAGIC = 0x65735546, ISOFS_MAGIC = 0x9660, SQUASHFS_MAGIC = 0x73717368,
        OVERLAYFS_MAGIC = 0x794c7630, UDF_MAGIC = 0x15013346, EROFS_MAGIC = unchecked((int)0xE0F5E1E2);
    public const long ST_RDONLY = 1;
}

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statfs_raw(string path, out StatfsBuf buf);

    public static StatfsBuf Statfs(string path) { Errno.Check(statfs_raw(path, out var b), "statfs", path); return b; }
}
