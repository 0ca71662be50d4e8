using System.Buffers.Binary;

namespace LiveInit.Modules;

/// <summary>
/// Decompresses .xz files (the format kbuild uses for .ko.xz: LZMA2, CRC32 or CRC64/none checks) in memory,
/// for kernels that cannot decompress modules themselves (no MODULE_INIT_COMPRESSED_FILE, before Linux 6.4).
/// Written from the .xz format and LZMA2 specifications; supports LZMA2 as the only filter, which is what
/// module compression produces. Throws <see cref="InvalidDataException"/> on anything else or on corruption.
/// </summary>
public static class XzDecoder
{
    private static readonly byte[] Magic = [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00];

    public static byte[] Decompress(ReadOnlySpan<byte> xz)
    {
        try { return DecompressUnchecked(xz); }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or ArgumentException)
        {
            throw new InvalidDataException("truncated or corrupt .xz data", e);
        }
    }

    private static byte[] DecompressUnchecked(ReadOnlySpan<byte> xz)
    {
        if (xz.Length < 24 || !xz[..6].SequenceEqual(Magic)) throw new InvalidDataException("not an .xz stream");
        var check = xz[7] & 0x0F;
        if (xz[6] != 0 || Probe.Crc32.Compute(xz.Slice(6, 2)) != BinaryPrimitives.ReadUInt32LittleEndian(xz[8..]))
            throw new InvalidDataException("bad .xz stream header");
        var checkSize = check switch { 0 => 0, 1 => 4, 4 => 8, 10 => 32, _ => throw new InvalidDataException($"unsupported .xz check {check}") };
        var output = new Output();
        byte[]? input = null;   // the LZMA2 decoder works on an array: copied once for all blocks
        var pos = 12;
        while (true)
        {
            if (pos >= xz.Length) throw new InvalidDataException("truncated .xz stream");
            if (xz[pos] == 0) break;   // index indicator: no more blocks
            var headerSize = (xz[pos] + 1) * 4;
            var header = xz.Slice(pos, headerSize);
            if (Probe.Crc32.Compute(header[..^4]) != BinaryPrimitives.ReadUInt32LittleEndian(header[^4..]))
                throw new InvalidDataException("bad .xz block header");
            var flags = header[1];
            if ((flags & 0x03) != 0) throw new InvalidDataException("only the LZMA2 filter alone is supported");
            var p = 2;
            if ((flags & 0x40) != 0) ReadVarint(header, ref p);
            if ((flags & 0x80) != 0) ReadVarint(header, ref p);
            if (ReadVarint(header, ref p) != 0x21 || ReadVarint(header, ref p) != 1) throw new InvalidDataException("not LZMA2");
            var dictProp = header[p];
            if (dictProp > 40) throw new InvalidDataException("bad LZMA2 dictionary size");
            pos += headerSize;
            var start = output.Length;
            pos = Lzma2.Decode(input ??= xz.ToArray(), pos, output);
            while (pos % 4 != 0) { if (xz[pos++] != 0) throw new InvalidDataException("bad .xz block padding"); }
            if (check == 1 && Probe.Crc32.Compute(output.Span(start)) != BinaryPrimitives.ReadUInt32LittleEndian(xz[pos..]))
                throw new InvalidDataException(".xz CRC32 mismatch");
            pos += checkSize;
        }
        return output.ToArray();
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> b, ref int p)
    {
        ulong v = 0;
        for (var shift = 0; shift < 63; shift += 7)
        {
            var x = b[p++];
            v |= (ulong)(x & 0x7F) << shift;
            if ((x & 0x80) == 0) return v;
        }
        throw new InvalidDataException("bad .xz varint");
    }

    /// <summary>A growing output buffer that is also the LZMA dictionary.</summary>
    internal sealed class Output
    {
        private byte[] _buf = new byte[1 << 16];
        public int Length { get; private set; }

        public void Put(byte b)
        {
            if (Length == _buf.Length) Array.Resize(ref _buf, _buf.Length * 2);
            _buf[Length++] = b;
        }

        public byte Get(int distance) =>   // distance 0 = the last byte written
            distance < Length ? _buf[Length - 1 - distance] : throw new InvalidDataException("LZMA distance beyond the data");

        public void Copy(int distance, int length)
        {
            if (distance >= Length) throw new InvalidDataException("LZMA distance beyond the data");
            for (var i = 0; i < length; i++) Put(_buf[Length - 1 - distance]);
        }

        public void Append(ReadOnlySpan<byte> data) { foreach (var b in data) Put(b); }
        public ReadOnlySpan<byte> Span(int start) => _buf.AsSpan(start, Length - start);
        public byte[] ToArray() => _buf.AsSpan(0, Length).ToArray();
    }
}
