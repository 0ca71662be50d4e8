using System.Buffers.Binary;
using System.Text;

namespace LiveInit.Probe;

/// <summary>Little helpers for reading on-disk structures and formatting IDs the way blkid prints them.</summary>
public static class Bytes
{
    public static ushort Le16(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt16LittleEndian(b[o..]);
    public static uint Le32(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt32LittleEndian(b[o..]);
    public static ulong Le64(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt64LittleEndian(b[o..]);
    public static ushort Be16(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt16BigEndian(b[o..]);
    public static uint Be32(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt32BigEndian(b[o..]);
    public static ulong Be64(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt64BigEndian(b[o..]);

    public static bool Is(ReadOnlySpan<byte> b, int offset, string ascii)
    {
        if (offset + ascii.Length > b.Length) return false;
        for (var i = 0; i < ascii.Length; i++) if (b[offset + i] != (byte)ascii[i]) return false;
        return true;
    }

    public static bool AllZero(ReadOnlySpan<byte> b) => b.IndexOfAnyExcept((byte)0) < 0;

    /// <summary>A 16-byte UUID in the usual 8-4-4-4-12 lower-case form (byte order as stored).</summary>
    public static string Uuid(ReadOnlySpan<byte> u) =>
        $"{Hex(u[..4])}-{Hex(u[4..6])}-{Hex(u[6..8])}-{Hex(u[8..10])}-{Hex(u[10..16])}";

    /// <summary>A GUID as GPT stores it (first three fields little-endian), lower case.</summary>
    public static string Guid(ReadOnlySpan<byte> g)
    {
        Span<byte> b = stackalloc byte[16];
        g[..16].CopyTo(b);
        b[..4].Reverse(); b[4..6].Reverse(); b[6..8].Reverse();
        return Uuid(b);
    }

    public static string Hex(ReadOnlySpan<byte> b) => Convert.ToHexString(b).ToLowerInvariant();

    /// <summary>UTF-16 (LE or BE) code units to UTF-8, stopping at U+0000.</summary>
    public static byte[] Utf16ToUtf8(ReadOnlySpan<byte> raw, bool bigEndian)
    {
        var chars = new StringBuilder();
        for (var i = 0; i + 1 < raw.Length; i += 2)
        {
            var c = (char)(bigEndian ? (raw[i] << 8 | raw[i + 1]) : (raw[i] | raw[i + 1] << 8));
            if (c == 0) break;
            chars.Append(c);
        }
        return Encoding.UTF8.GetBytes(chars.ToString());
    }
}
