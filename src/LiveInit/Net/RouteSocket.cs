using System.Net;
using System.Runtime.InteropServices;
using LiveInit.Native;
using LiveInit.Native.Linux;

namespace LiveInit.Net;

/// <summary>
/// Link, address and route changes through rtnetlink (NETLINK_ROUTE): each request carries NLM_F_ACK and waits,
/// bounded, for the kernel's answer, so a refused change is an exception naming the errno, never silence.
/// The structs come from <see cref="Rtnl"/> (mirrored from the C headers).
/// </summary>
internal sealed class RouteSocket : IDisposable
{
    private const int ReplyTimeoutMs = 2000;
    private readonly SafeFd _fd;
    private uint _seq = 1;

    public RouteSocket()
    {
        _fd = Libc.Socket(Libc.AF_NETLINK, Rtnl.SOCK_RAW, Rtnl.NETLINK_ROUTE);
        Libc.Bind(_fd, new SockaddrNetlink { Family = Libc.AF_NETLINK });
    }

    /// <summary>Sets IFF_UP on the link (ip link set DEV up).</summary>
    public void LinkUp(int ifindex, string name)
    {
        var m = new Message(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK);
        m.Add(new IfInfoMsg { Family = 0, Index = ifindex, Flags = Rtnl.IFF_UP, Change = Rtnl.IFF_UP });
        Exchange(m, $"link up {name}");
    }

    /// <summary>Adds (or replaces) ADDR/PREFIX with its broadcast address on the link (ip addr replace).</summary>
    public void AddAddress(int ifindex, string name, IPAddress address, int prefix)
    {
        var m = new Message(Rtnl.RTM_NEWADDR,
            Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE);
        m.Add(new IfAddrMsg { Family = Rtnl.AF_INET, PrefixLen = (byte)prefix, Scope = Rtnl.RT_SCOPE_UNIVERSE,
            Index = (uint)ifindex });
        m.Attr(Rtnl.IFA_LOCAL, address.GetAddressBytes());
        m.Attr(Rtnl.IFA_ADDRESS, address.GetAddressBytes());
        if (prefix < 31) m.Attr(Rtnl.IFA_BROADCAST, Ipv4.Broadcast(address, prefix).GetAddressBytes());
        Exchange(m, $"address {address}/{prefix} on {name}");
    }

    /// <summary>Removes ADDR/PREFIX from the link (ip addr del), for the flush at switch_root.</summary>
    public void DeleteAddress(int ifindex, string name, IPAddress address, int prefix)
    {
        var m = new Message(Rtnl.RTM_DELADDR, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK);
        m.Add(new IfAddrMsg { Family = Rtnl.AF_INET, PrefixLen = (byte)prefix, Index = (uint)ifindex });
        m.Attr(Rtnl.IFA_LOCAL, address.GetAddressBytes());
        Exchange(m, $"delete address {address}/{prefix} on {name}");
    }

    /// <summary>A route to DST/PREFIX (0.0.0.0/0: the default route) via GATEWAY on the link, protocol "boot"
    /// as the kernel's own ipconfig marks it; an existing identical route is replaced.</summary>
    public void AddRoute(int ifindex, string name, IPAddress dst, int prefix, IPAddress? gateway)
    {
        var m = new Message(Rtnl.RTM_NEWROUTE,
            Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE);
        m.Add(new RtMsg { Family = Rtnl.AF_INET, DstLen = (byte)prefix, Table = Rtnl.RT_TABLE_MAIN,
            Protocol = Rtnl.RTPROT_BOOT, Scope = gateway is null ? Rtnl.RT_SCOPE_LINK : Rtnl.RT_SCOPE_UNIVERSE,
            Type = Rtnl.RTN_UNICAST });
        if (prefix > 0) m.Attr(Rtnl.RTA_DST, dst.GetAddressBytes());
        if (gateway is not null) m.Attr(Rtnl.RTA_GATEWAY, gateway.GetAddressBytes());
        m.Attr(Rtnl.RTA_OIF, BitConverter.GetBytes(ifindex));
        Exchange(m, gateway is null ? $"route {dst}/{prefix} on {name}" : $"route {dst}/{prefix} via {gateway} dev {name}");
    }

    private void Exchange(Message m, string what)
    {
        var seq = _seq++;
        var bytes = m.Finish(seq);
        Libc.Send(_fd, bytes, $"rtnetlink ({what})");
        var buf = new byte[8192];
        var end = Environment.TickCount64 + ReplyTimeoutMs;
        while (true)
        {
            var left = end - Environment.TickCount64;
            if (left <= 0 || !Libc.PollIn(_fd, (int)left))
                throw new IOException($"rtnetlink ({what}): no answer from the kernel within {ReplyTimeoutMs} ms");
            var n = Libc.Recv(_fd, buf);
            if (n < Marshal.SizeOf<NlMsgHdr>()) continue;
            if (Answer(buf.AsSpan(0, n), seq) is { } errno)
            {
                if (errno == 0) return;
                throw new NativeException("rtnetlink", what, errno);
            }
        }
    }

    /// <summary>The errno of the NLMSG_ERROR that answers <paramref name="seq"/> (0: done); null when these
    /// messages hold no answer to it.</summary>
    internal static int? Answer(ReadOnlySpan<byte> data, uint seq)
    {
        var hsize = Marshal.SizeOf<NlMsgHdr>();
        var off = 0;
        for (var guard = 0; guard < 256 && off + hsize <= data.Length; guard++)
        {
            var h = MemoryMarshal.Read<NlMsgHdr>(data[off..]);
            if (h.Len < hsize || off + h.Len > data.Length) return null;
            if (h.Seq == seq && h.Type == Rtnl.NLMSG_ERROR && h.Len >= hsize + 4)
                return -MemoryMarshal.Read<int>(data[(off + hsize)..]);
            if (h.Seq == seq && h.Type == Rtnl.NLMSG_DONE) return 0;
            off += Rtnl.Align((int)h.Len);
        }
        return null;
    }

    public void Dispose() => _fd.Dispose();

    /// <summary>One netlink request: the header (filled in by <see cref="Finish"/>), one fixed struct, then
    /// attributes, each aligned to 4 bytes.</summary>
    internal sealed class Message(ushort type, ushort flags)
    {
        private readonly List<byte> _body = [];

        public void Add<T>(T value) where T : unmanaged
        {
            var bytes = new byte[Marshal.SizeOf<T>()];
            MemoryMarshal.Write(bytes, in value);
            _body.AddRange(bytes);
            Pad();
        }

        public void Attr(ushort attrType, byte[] value)
        {
            var hdr = new RtAttr { Len = (ushort)(Marshal.SizeOf<RtAttr>() + value.Length), Type = attrType };
            Add(hdr);
            _body.AddRange(value);
            Pad();
        }

        private void Pad() { while (_body.Count % 4 != 0) _body.Add(0); }

        public byte[] Finish(uint seq)
        {
            var hsize = Marshal.SizeOf<NlMsgHdr>();
            var all = new byte[hsize + _body.Count];
            var h = new NlMsgHdr { Len = (uint)all.Length, Type = type, Flags = flags, Seq = seq };
            MemoryMarshal.Write(all, in h);
            _body.CopyTo(all, hsize);
            return all;
        }
    }
}
