namespace LiveInit.Probe;

/// <summary>CRC-32C (Castagnoli), the raw update function as util-linux uses it (no pre/post inversion:
/// callers pass ~0 as seed and invert when the format says so).</summary>
public static class Crc32c
{
    private static readonly uint[] Table = Make(0x82F63B78);

    internal static uint[] Make(uint poly)
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? poly ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data) crc = Table[(crc ^ b) & 0xff] ^ (crc >> 8);
        return crc;
    }
}

/// <summary>The zlib/GPT CRC-32 (with the usual ~0 seed and final inversion).</summary>
public static class Crc32
{
    private static readonly uint[] Table = Crc32c.Make(0xEDB88320);

    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFFu, data);

    /// <summary>The raw update, to compute a CRC over data read in slices: seed ~0, invert at the end.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data) crc = Table[(crc ^ b) & 0xff] ^ (crc >> 8);
        return crc;
    }
}
