using System.Runtime.InteropServices;

namespace LiveInit.Native;

/// <summary>struct blkpg_partition (&lt;linux/blkpg.h&gt;): start and length in bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BlkpgPartition
{
    public long Start;
    public long Length;
    public int Pno;
    public fixed byte DevName[64];
    public fixed byte VolName[64];
}

/// <summary>struct blkpg_ioctl_arg (&lt;linux/blkpg.h&gt;).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BlkpgIoctlArg
{
    public int Op;
    public int Flags;
    public int DataLen;
    public void* Data;

    public const ulong BLKPG = 0x1269;   // _IO(0x12, 105), <linux/fs.h>
    public const int BLKPG_ADD_PARTITION = 1, BLKPG_DEL_PARTITION = 2;
}

internal static partial class Libc
{
    /// <summary>BLKPG_ADD_PARTITION: tells the kernel about one new partition of a disk whose other partitions are in
    /// use (BLKRRPART would fail with EBUSY while the medium is mounted).</summary>
    public static unsafe void AddPartition(SafeFd disk, int number, long startBytes, long lengthBytes, string what)
    {
        var part = new BlkpgPartition { Start = startBytes, Length = lengthBytes, Pno = number };
        var arg = new BlkpgIoctlArg
        {
            Op = BlkpgIoctlArg.BLKPG_ADD_PARTITION, DataLen = sizeof(BlkpgPartition), Data = &part,
        };
        Ioctl(disk, BlkpgIoctlArg.BLKPG, &arg, "BLKPG_ADD_PARTITION", what);
    }

    /// <summary>BLKPG_DEL_PARTITION: the kernel forgets partition <paramref name="number"/> (it must be
    /// unused).</summary>
    public static unsafe void DeletePartition(SafeFd disk, int number, string what)
    {
        var part = new BlkpgPartition { Pno = number };
        var arg = new BlkpgIoctlArg
        {
            Op = BlkpgIoctlArg.BLKPG_DEL_PARTITION, DataLen = sizeof(BlkpgPartition), Data = &part,
        };
        Ioctl(disk, BlkpgIoctlArg.BLKPG, &arg, "BLKPG_DEL_PARTITION", what);
    }
}
