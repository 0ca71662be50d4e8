using System.Buffers.Binary;
using System.Numerics;

namespace LiveInit.Boot;

/// <summary>MD5 (RFC 1321) in managed code, for the md5sum-format checksum that goes with a remastered image
/// (linuxfs.new.md5): the static binary cannot load OpenSSL, which System.Security.Cryptography would need.
/// MD5 here detects damaged copies, it is not a defence against forgery.</summary>
public static class Md5
{
    private static readonly uint[] K =
    [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
    ];

    private static readonly int[] S =
    [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];

    public static string HashHex(Stream s, Action<long>? progress = null) => Convert.ToHexString(Hash(s,
        progress)).ToLowerInvariant();

    public static byte[] Hash(Stream s, Action<long>? progress = null)
    {
        uint[] h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
        var buf = new byte[64 * 1024];
        long total = 0;
        int filled = 0, n;
        while ((n = s.Read(buf, filled, buf.Length - filled)) > 0)
        {
            filled += n;
            total += n;
            progress?.Invoke(n);
            var blocks = filled / 64;
            for (var b = 0; b < blocks; b++) Block(h, buf.AsSpan(b * 64, 64));
            var rest = filled - blocks * 64;
            Array.Copy(buf, blocks * 64, buf, 0, rest);
            filled = rest;
        }
        var tail = new byte[filled < 56 ? 64 : 128];
        Array.Copy(buf, tail, filled);
        tail[filled] = 0x80;
        BinaryPrimitives.WriteUInt64LittleEndian(tail.AsSpan(tail.Length - 8), (ulong)total * 8);
        for (var b = 0; b < tail.Length; b += 64) Block(h, tail.AsSpan(b, 64));
        var digest = new byte[16];
        for (var i = 0; i < 4; i++) BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(i * 4), h[i]);
        return digest;
    }

    private static void Block(uint[] h, ReadOnlySpan<byte> block)
    {
        Span<uint> m = stackalloc uint[16];
        for (var i = 0; i < 16; i++) m[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(i * 4)..]);
        uint a = h[0], b = h[1], c = h[2], d = h[3];
        for (var i = 0; i < 64; i++)
        {
            uint f;
            int g;
            switch (i / 16)
            {
                case 0: f = (b & c) | (~b & d); g = i; break;
                case 1: f = (d & b) | (~d & c); g = (5 * i + 1) % 16; break;
                case 2: f = b ^ c ^ d; g = (3 * i + 5) % 16; break;
                default: f = c ^ (b | ~d); g = 7 * i % 16; break;
            }
            var t = d;
            d = c;
            c = b;
            b += BitOperations.RotateLeft(a + f + K[i] + m[g], S[i]);
            a = t;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
    }
}
