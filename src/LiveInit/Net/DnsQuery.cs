using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace LiveInit.Net;

/// <summary>A DNS A-record query and its answer (RFC 1035), pure and bounded: names of at most 253 bytes, at
/// most 64 answer records read, compression pointers followed at most 16 times and only backwards.</summary>
public static class DnsQuery
{
    public static byte[] Build(ushort id, string name)
    {
        if (name.Length is 0 or > 253) throw new FormatException($"'{name}' is not a host name");
        var b = new List<byte>(name.Length + 18);
        b.AddRange([(byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);   // RD, one question
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            if (label.Length is 0 or > 63 || !LiveInit.Text.Chars.All(label, c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                throw new FormatException($"'{name}' is not a host name");
            b.Add((byte)label.Length);
            b.AddRange(Encoding.ASCII.GetBytes(label));
        }
        b.AddRange([0, 0, 1, 0, 1]);   // root, QTYPE A, QCLASS IN
        return [.. b];
    }

    /// <summary>The A records of the answer to <paramref name="id"/> (CNAMEs in the same answer are followed by
    /// taking every A record); null when the packet is not that answer; an empty list for NXDOMAIN/no data.</summary>
    public static List<IPAddress>? Parse(ReadOnlySpan<byte> p, ushort id, out int rcode)
    {
        rcode = -1;
        if (p.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(p) != id || (p[2] & 0x80) == 0) return null;
        rcode = p[3] & 0x0f;
        var qd = BinaryPrimitives.ReadUInt16BigEndian(p[4..]);
        var an = BinaryPrimitives.ReadUInt16BigEndian(p[6..]);
        var off = 12;
        var found = new List<IPAddress>();
        for (var i = 0; i < qd; i++)
        {
            if (!SkipName(p, ref off) || off + 4 > p.Length) return null;
            off += 4;
        }
        for (var i = 0; i < Math.Min((int)an, 64); i++)
        {
            if (!SkipName(p, ref off) || off + 10 > p.Length) return found;
            var type = BinaryPrimitives.ReadUInt16BigEndian(p[off..]);
            var cls = BinaryPrimitives.ReadUInt16BigEndian(p[(off + 2)..]);
            var len = BinaryPrimitives.ReadUInt16BigEndian(p[(off + 8)..]);
            off += 10;
            if (off + len > p.Length) return found;
            if (type == 1 && cls == 1 && len == 4) found.Add(new IPAddress(p.Slice(off, 4)));
            off += len;
        }
        return found;
    }

    private static bool SkipName(ReadOnlySpan<byte> p, ref int off)
    {
        for (var guard = 0; guard < 128; guard++)
        {
            if (off >= p.Length) return false;
            var len = p[off];
            if ((len & 0xc0) == 0xc0) { off += 2; return off <= p.Length; }
            if (len > 63) return false;
            off += 1 + len;
            if (len == 0) return true;
        }
        return false;
    }
}
