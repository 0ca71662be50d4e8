using System.Buffers.Binary;
using System.Text;
using LiveInit.Native.Linux;

namespace LiveInit.Net.Nbd;

/// <summary>Builds one generic-netlink request: nlmsghdr, genlmsghdr, then attributes (4-byte aligned; nested ones
/// carry NLA_F_NESTED). Pure: the bytes are what goes to the kernel.</summary>
public sealed class GenlMessage
{
    private readonly List<byte> _b = [];
    private readonly Stack<int> _nests = new();

    public GenlMessage(ushort family, ushort flags, uint seq, byte cmd, byte version)
    {
        U32Raw(0);                 // nlmsg_len, set by ToArray
        U16Raw(family);
        U16Raw(flags);
        U32Raw(seq);
        U32Raw(0);                 // nlmsg_pid: the kernel
        _b.Add(cmd);
        _b.Add(version);
        U16Raw(0);
    }

    public GenlMessage U32(ushort type, uint v) { Header(type, 4); U32Raw(v); return this; }

    public GenlMessage U64(ushort type, ulong v)
    {
        Header(type, 8);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        _b.AddRange(b.ToArray());
        return this;
    }

    /// <summary>A NUL-terminated string attribute (NLA_NUL_STRING / NLA_STRING as the kernel expects).</summary>
    public GenlMessage String(ushort type, string s)
    {
        var bytes = Encoding.ASCII.GetBytes(s + "\0");
        Header(type, bytes.Length);
        _b.AddRange(bytes);
        Pad();
        return this;
    }

    public GenlMessage Begin(ushort type)
    {
        _nests.Push(_b.Count);
        Header((ushort)(type | NbdNetlink.NLA_F_NESTED), 0);
        return this;
    }

    public GenlMessage End()
    {
        var at = _nests.Pop();
        var len = (ushort)(_b.Count - at);
        _b[at] = (byte)len;
        _b[at + 1] = (byte)(len >> 8);
        return this;
    }

    public byte[] ToArray()
    {
        if (_nests.Count != 0) throw new InvalidOperationException("unclosed nested attribute");
        var a = _b.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(a, (uint)a.Length);
        return a;
    }

    private void Header(ushort type, int payload)
    {
        U16Raw((ushort)(4 + payload));
        U16Raw(type);
    }

    private void Pad() { while (_b.Count % NbdNetlink.NLA_ALIGNTO != 0) _b.Add(0); }
    private void U16Raw(ushort v) { _b.Add((byte)v); _b.Add((byte)(v >> 8)); }
    private void U32Raw(uint v) { for (var i = 0; i < 4; i++) _b.Add((byte)(v >> (8 * i))); }
}

/// <summary>One message of a netlink reply: its type, sequence number and payload (after the nlmsghdr).</summary>
public sealed record NetlinkReply(ushort Type, uint Seq, byte[] Payload)
{
    public const int MaxMessages = 64, MaxAttributes = 256;

    /// <summary>The messages in one datagram, bounded; a length that leaves the datagram ends the list.</summary>
    public static List<NetlinkReply> Parse(ReadOnlySpan<byte> datagram)
    {
        var list = new List<NetlinkReply>();
        while (datagram.Length >= NbdNetlink.NlMsgHdrSize && list.Count < MaxMessages)
        {
            var len = BinaryPrimitives.ReadUInt32LittleEndian(datagram);
            if (len < NbdNetlink.NlMsgHdrSize || len > datagram.Length) break;
            var type = BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]);
            var seq = BinaryPrimitives.ReadUInt32LittleEndian(datagram[8..]);
            list.Add(new NetlinkReply(type, seq, datagram[NbdNetlink.NlMsgHdrSize..(int)len].ToArray()));
            var next = (int)((len + 3) & ~3u);
            if (next >= datagram.Length) break;
            datagram = datagram[next..];
        }
        return list;
    }

    /// <summary>NLMSG_ERROR's error code: 0 is the acknowledgement, else a negative errno.</summary>
    public int? Error => Type == NbdNetlink.NLMSG_ERROR && Payload.Length >= 4
        ? BinaryPrimitives.ReadInt32LittleEndian(Payload)
        : null;

    /// <summary>The top-level attributes after the genlmsghdr (type without the nested/byte-order bits).</summary>
    public Dictionary<ushort, byte[]> GenlAttributes()
    {
        var attrs = new Dictionary<ushort, byte[]>();
        var rest = Payload.AsSpan(Math.Min(4, Payload.Length));
        while (rest.Length >= 4 && attrs.Count < MaxAttributes)
        {
            var len = BinaryPrimitives.ReadUInt16LittleEndian(rest);
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(rest[2..]) & 0x3fff);
            if (len < 4 || len > rest.Length) break;
            attrs.TryAdd(type, rest[4..len].ToArray());
            var next = (len + 3) & ~3;
            if (next >= rest.Length) break;
            rest = rest[next..];
        }
        return attrs;
    }
}
