using System.Runtime.InteropServices;

namespace LiveInit.Devices.DeviceMapper;

/// <summary>struct dm_ioctl (&lt;linux/dm-ioctl.h&gt;), 312 bytes; layout checked against gcc in a test.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct DmIoctlHeader
{
    public fixed uint Version[3];
    public uint DataSize, DataStart, TargetCount;
    public int OpenCount;
    public uint Flags, EventNr, Padding;
    public ulong Dev;
    public fixed byte Name[128];
    public fixed byte Uuid[129];
    public fixed byte Data[7];
}

/// <summary>struct dm_target_spec, 40 bytes, followed by the target's parameter string.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct DmTargetSpec
{
    public ulong SectorStart, Length;
    public int Status;
    public uint Next;
    public fixed byte TargetType[16];
}

public static class DmIoctl
{
    // _IOWR(0xfd, nr, struct dm_ioctl)
    public const ulong DM_VERSION = 0xC138FD00, DM_DEV_CREATE = 0xC138FD03, DM_DEV_REMOVE = 0xC138FD04,
        DM_DEV_SUSPEND = 0xC138FD06, DM_DEV_STATUS = 0xC138FD07, DM_TABLE_LOAD = 0xC138FD09, DM_TABLE_STATUS = 0xC138FD0C;
    public const uint DM_READONLY_FLAG = 1 << 0, DM_SUSPEND_FLAG = 1 << 1, DM_STATUS_TABLE_FLAG = 1 << 4;
    public const uint MajorVersion = 4;
}
