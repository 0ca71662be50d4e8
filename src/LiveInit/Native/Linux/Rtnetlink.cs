using System.Runtime.InteropServices;

namespace LiveInit.Native.Linux;

// The rtnetlink ABI the network bring-up hands the kernel, mirrored from <linux/netlink.h>, <linux/rtnetlink.h>,
// <linux/if_link.h>, <linux/if_addr.h>, <linux/if.h> and <asm-generic/socket.h>; every size, offset and constant
// here is compared with those headers by gcc in NetConstantsTests.

/// <summary><c>struct nlmsghdr</c> (linux/netlink.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NlMsgHdr
{
    public uint Len;
    public ushort Type;
    public ushort Flags;
    public uint Seq;
    public uint Pid;
}

/// <summary><c>struct ifinfomsg</c> (linux/rtnetlink.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IfInfoMsg
{
    public byte Family;
    public byte Pad;
    public ushort Type;
    public int Index;
    public uint Flags;
    public uint Change;
}

/// <summary><c>struct ifaddrmsg</c> (linux/if_addr.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IfAddrMsg
{
    public byte Family;
    public byte PrefixLen;
    public byte Flags;
    public byte Scope;
    public uint Index;
}

/// <summary><c>struct rtmsg</c> (linux/rtnetlink.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RtMsg
{
    public byte Family;
    public byte DstLen;
    public byte SrcLen;
    public byte Tos;
    public byte Table;
    public byte Protocol;
    public byte Scope;
    public byte Type;
    public uint Flags;
}

/// <summary><c>struct rtattr</c> (linux/rtnetlink.h): a length, a type, then the value padded to 4 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RtAttr
{
    public ushort Len;
    public ushort Type;
}

internal static class Rtnl
{
    public const int NETLINK_ROUTE = 0, SOCK_RAW = 3, AF_INET = 2;
    public const ushort NLMSG_ERROR = 2, NLMSG_DONE = 3;
    public const ushort RTM_NEWLINK = 16, RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22, RTM_NEWROUTE = 24;
    public const ushort NLM_F_REQUEST = 1, NLM_F_ACK = 4, NLM_F_ROOT = 0x100, NLM_F_MATCH = 0x200,
        NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;
    public const uint IFF_UP = 1;
    public const ushort IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_BROADCAST = 4;
    public const ushort RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_PREFSRC = 7;
    public const byte RT_TABLE_MAIN = 254, RTPROT_BOOT = 3, RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253,
        RTN_UNICAST = 1;
    /// <summary>SOL_SOCKET options (asm-generic/socket.h) the DHCP socket sets.</summary>
    public const int SO_BROADCAST = 6, SO_BINDTODEVICE = 25;

    /// <summary>NLMSG_ALIGN / RTA_ALIGN: 4 bytes.</summary>
    public static int Align(int n) => (n + 3) & ~3;
}
