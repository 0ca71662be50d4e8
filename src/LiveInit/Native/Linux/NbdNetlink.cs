using System.Runtime.InteropServices;

namespace LiveInit.Native.Linux;

// The generic-netlink ABI the NBD root hands the kernel, mirrored from <linux/netlink.h>, <linux/genetlink.h>,
// <linux/nbd-netlink.h> and <linux/nbd.h>; every size, offset and constant here is compared with those headers by
// gcc in NbdConstantsTests. (struct nlmsghdr is 16 bytes: NlMsgHdrSize, checked there too.)

/// <summary><c>struct genlmsghdr</c> (linux/genetlink.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GenlMsgHdr
{
    public byte Cmd;
    public byte Version;
    public ushort Reserved;
}

/// <summary><c>struct nlattr</c> (linux/netlink.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NlAttr
{
    public ushort Len;
    public ushort Type;
}

internal static class NbdNetlink
{
    public const int NETLINK_GENERIC = 16, NlMsgHdrSize = 16, NLA_ALIGNTO = 4;
    public const ushort NLM_F_REQUEST = 1, NLM_F_ACK = 4, NLMSG_ERROR = 2, NLMSG_DONE = 3;
    public const ushort NLA_F_NESTED = 1 << 15;
    public const ushort GENL_ID_CTRL = 0x10;
    public const byte CTRL_CMD_GETFAMILY = 3;
    public const ushort CTRL_ATTR_FAMILY_ID = 1, CTRL_ATTR_FAMILY_NAME = 2;

    public const string NBD_GENL_FAMILY_NAME = "nbd";
    public const byte NBD_GENL_VERSION = 1;
    public const byte NBD_CMD_CONNECT = 1, NBD_CMD_DISCONNECT = 2;
    public const ushort NBD_ATTR_INDEX = 1, NBD_ATTR_SIZE_BYTES = 2, NBD_ATTR_BLOCK_SIZE_BYTES = 3, NBD_ATTR_TIMEOUT = 4,
        NBD_ATTR_SERVER_FLAGS = 5, NBD_ATTR_CLIENT_FLAGS = 6, NBD_ATTR_SOCKETS = 7, NBD_ATTR_DEAD_CONN_TIMEOUT = 8;
    public const ushort NBD_SOCK_ITEM = 1, NBD_SOCK_FD = 1;
    public const ulong NBD_CFLAG_DESTROY_ON_DISCONNECT = 1, NBD_CFLAG_DISCONNECT_ON_CLOSE = 2;
    public const ulong NBD_FLAG_HAS_FLAGS = 1 << 0, NBD_FLAG_READ_ONLY = 1 << 1;
}
