using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace LiveInit.Net;

public enum DhcpType : byte { Discover = 1, Offer = 2, Request = 3, Decline = 4, Ack = 5, Nak = 6, Release = 7 }

/// <summary>What a DHCP server offered or acknowledged (RFC 2131/2132).</summary>
public sealed record DhcpReply(
    DhcpType Type, uint Xid, IPAddress YourAddress, IPAddress NextServer, IPAddress? ServerId, int? Prefix,
    IPAddress? Router, IReadOnlyList<IPAddress> Dns, uint? LeaseSeconds, string? Hostname, string? Domain,
    string? BootFile);

/// <summary>
/// DHCP messages (RFC 2131, options RFC 2132), pure: <see cref="Build"/> makes a DISCOVER or REQUEST with the
/// broadcast flag (the answer comes as a broadcast, which an interface without an address can receive),
/// <see cref="Parse"/> reads a reply, bounded, and returns null for anything that is not an answer to us.
/// </summary>
public static class DhcpMessage
{
    public const int ServerPort = 67, ClientPort = 68, FixedLength = 236, MaxLength = 1500;
    private const uint MagicCookie = 0x63825363;
    private const byte OptPad = 0, OptSubnet = 1, OptRouter = 3, OptDns = 6, OptHostname = 12, OptDomain = 15,
        OptRequestedIp = 50, OptLeaseTime = 51, OptOverload = 52, OptMessageType = 53, OptServerId = 54,
        OptParameters = 55, OptMaxSize = 57, OptClientId = 61, OptBootFile = 67, OptEnd = 255;

    public static byte[] Build(DhcpType type, uint xid, byte[] mac, ushort secs, IPAddress? requested = null,
        IPAddress? serverId = null, string? hostname = null)
    {
        var b = new List<byte>(300);
        b.AddRange([1, 1, 6, 0]);   // BOOTREQUEST, Ethernet, 6-byte hardware address, no hops
        b.AddRange(BigEndian(xid));
        b.AddRange([(byte)(secs >> 8), (byte)secs, 0x80, 0x00]);   // secs; flags: BROADCAST
        b.AddRange(new byte[16]);   // ciaddr yiaddr siaddr giaddr
        var ch = new byte[16];
        mac.AsSpan(0, Math.Min(6, mac.Length)).CopyTo(ch);
        b.AddRange(ch);
        b.AddRange(new byte[64 + 128]);   // sname, file
        b.AddRange(BigEndian(MagicCookie));
        b.AddRange([OptMessageType, 1, (byte)type]);
        b.AddRange([OptClientId, 7, 1]);
        b.AddRange(mac.AsSpan(0, 6).ToArray());
        b.AddRange([OptMaxSize, 2, MaxLength >> 8, MaxLength & 0xff]);
        if (requested is not null) { b.AddRange([OptRequestedIp, 4]); b.AddRange(requested.GetAddressBytes()); }
        if (serverId is not null) { b.AddRange([OptServerId, 4]); b.AddRange(serverId.GetAddressBytes()); }
        if (hostname is { Length: > 0 and < 64 })
        {
            b.AddRange([OptHostname, (byte)hostname.Length]);
            b.AddRange(Encoding.ASCII.GetBytes(hostname));
        }
        b.AddRange([OptParameters, 7, OptSubnet, OptRouter, OptDns, OptHostname, OptDomain, OptLeaseTime, OptBootFile]);
        b.Add(OptEnd);
        while (b.Count < 300) b.Add(OptPad);   // BOOTP's minimum, some relays drop shorter packets
        return [.. b];
    }

    /// <summary>A reply to <paramref name="xid"/> for <paramref name="mac"/>; null when the packet is not a well
    /// formed BOOTREPLY for us (a hostile server's packet is read within its own length, never beyond).</summary>
    public static DhcpReply? Parse(ReadOnlySpan<byte> p, uint xid, byte[] mac)
    {
        if (p.Length < FixedLength + 4 || p.Length > 65535) return null;
        if (p[0] != 2 || BinaryPrimitives.ReadUInt32BigEndian(p[4..]) != xid) return null;
        if (!p.Slice(28, 6).SequenceEqual(mac.AsSpan(0, 6))) return null;
        if (BinaryPrimitives.ReadUInt32BigEndian(p[FixedLength..]) != MagicCookie) return null;
        var yiaddr = new IPAddress(p.Slice(16, 4));
        var siaddr = new IPAddress(p.Slice(20, 4));
        byte? type = null;
        int? prefix = null;
        IPAddress? router = null, server = null;
        var dns = new List<IPAddress>();
        uint? lease = null;
        string? host = null, domain = null, file = null;
        var o = p[(FixedLength + 4)..];
        var i = 0;
        while (i < o.Length)
        {
            var code = o[i++];
            if (code == OptPad) continue;
            if (code == OptEnd || i >= o.Length) break;
            var len = o[i++];
            if (i + len > o.Length) return null;
            var v = o.Slice(i, len);
            i += len;
            switch (code)
            {
                case OptMessageType when len == 1: type = v[0]; break;
                case OptSubnet when len == 4:
                    if (Ipv4.TryPrefix(new IPAddress(v).ToString(), out var pl)) prefix = pl;
                    break;
                case OptRouter when len >= 4: router = new IPAddress(v[..4]); break;
                case OptDns when len >= 4:
                    for (var k = 0; k + 4 <= len && dns.Count < 3; k += 4) dns.Add(new IPAddress(v.Slice(k, 4)));
                    break;
                case OptServerId when len == 4: server = new IPAddress(v); break;
                case OptLeaseTime when len == 4: lease = BinaryPrimitives.ReadUInt32BigEndian(v); break;
                case OptHostname: host = Text(v); break;
                case OptDomain: domain = Text(v); break;
                case OptBootFile: file = Text(v); break;
                case OptOverload: break;   // sname/file hold more options: not needed for an address
            }
        }
        if (type is not (>= (byte)DhcpType.Discover and <= (byte)DhcpType.Release)) return null;
        file ??= Text(p.Slice(108, 128));
        return new DhcpReply((DhcpType)type.Value, xid, yiaddr, siaddr, server, prefix, router, dns, lease,
            host, domain, file);
    }

    /// <summary>Printable ASCII up to the first NUL, or null when empty or not printable.</summary>
    private static string? Text(ReadOnlySpan<byte> v)
    {
        var end = v.IndexOf((byte)0);
        if (end >= 0) v = v[..end];
        if (v.Length == 0) return null;
        foreach (var c in v) if (c < 0x20 || c > 0x7e) return null;
        return Encoding.ASCII.GetString(v);
    }

    private static byte[] BigEndian(uint v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];
}
