using System.Text;

namespace LiveInit.Probe.Filesystems;

/// <summary>
/// UDF (ECMA-167 / OSTA UDF): the volume recognition sequence at 32 KiB (BEA01 then NSR02/NSR03), the
/// anchor volume descriptor pointer at block 256 for block sizes 512-4096, then the main volume descriptor
/// sequence: LABEL from the logical volume identifier (else the volume identifier), VERSION from the
/// domain identifier's UDF revision, UUID from the volume set identifier the way libblkid's udf.c makes it
/// (16 hex digits as they are; 8 hex digits plus the next 4 bytes in hex; else the first 8 bytes in hex).
/// </summary>
public sealed class UdfProber : IFilesystemProber
{
    private static readonly int[] BlockSizes = [512, 1024, 2048, 4096];
    private const int TagAvdp = 2, TagPvd = 1, TagLvd = 6, TagTerminator = 8;

    public string Name => "udf";
    public ProbeUsage Usage => ProbeUsage.Filesystem;

    public bool Probe(ProbeSource src, ProbeResult r)
    {
        foreach (var bs in BlockSizes)
        {
            // ECMA-167 2/8.4: each volume structure descriptor is 2048 bytes, or one block when blocks are larger
            if (!HasVrs(src, Math.Max(bs, 2048))) continue;
            var avdp = src.Read(256L * bs, 512);
            if (avdp.IsEmpty || !IsTag(avdp, TagAvdp, 256)) continue;
            var vdsLength = Bytes.Le32(avdp, 16);
            var vdsLocation = Bytes.Le32(avdp, 20);
            ReadOnlySpan<byte> pvd = default, lvd = default;
            var count = Math.Min(vdsLength / (uint)bs, 64u);
            for (uint i = 0; i < count; i++)
            {
                var d = src.Read((vdsLocation + (long)i) * bs, 512);
                if (d.IsEmpty) break;
                var id = Bytes.Le16(d, 0);
                if (id == 0 || id == TagTerminator || Bytes.Le32(d, 12) != vdsLocation + i) break;
                if (id == TagPvd && pvd.IsEmpty) pvd = d.ToArray();
                if (id == TagLvd && lvd.IsEmpty) lvd = d.ToArray();
            }
            if (pvd.IsEmpty && lvd.IsEmpty) continue;
            r.Set("TYPE", "udf");
            var lvid = lvd.IsEmpty ? [] : DString(lvd.Slice(84, 128));
            var vid = pvd.IsEmpty ? [] : DString(pvd.Slice(24, 32));
            r.SetLabel("LABEL", lvid.Length > 0 ? lvid : vid);
            if (!pvd.IsEmpty && Uuid(DString(pvd.Slice(72, 128))) is { } uuid) r.Set("UUID", uuid);
            if (!lvd.IsEmpty && Bytes.Is(lvd, 217, "*OSTA UDF Compliant"))
            {
                var rev = Bytes.Le16(lvd, 240);
                r.Set("VERSION", $"{rev >> 8:x}.{rev & 0xff:x2}");
            }
            return true;
        }
        return false;
    }

    private static bool HasVrs(ProbeSource src, int step)
    {
        var bea = false;
        for (var i = 0; i < 64; i++)
        {
            var d = src.Read(32768 + (long)i * step, 8);
            if (d.IsEmpty) return false;
            if (Bytes.Is(d, 1, "BEA01")) bea = true;
            else if (bea && (Bytes.Is(d, 1, "NSR02") || Bytes.Is(d, 1, "NSR03"))) return true;
            else if (!(Bytes.Is(d, 1, "CD001") || Bytes.Is(d, 1, "BOOT2") || Bytes.Is(d, 1, "CDW02") || Bytes.Is(d, 1, "TEA01"))) return false;
        }
        return false;
    }

    private static bool IsTag(ReadOnlySpan<byte> d, int id, uint location)
    {
        if (Bytes.Le16(d, 0) != id || Bytes.Le32(d, 12) != location) return false;
        byte sum = 0;
        for (var i = 0; i < 16; i++) if (i != 4) sum += d[i];
        return sum == d[4];
    }

    /// <summary>An OSTA CS0 dstring to UTF-8: compression id 8 = one byte per character (Latin-1),
    /// 16 = UTF-16BE; the last byte is the used length.</summary>
    internal static byte[] DString(ReadOnlySpan<byte> d)
    {
        var used = d[^1];
        if (used < 2 || used > d.Length - 1) return [];
        var cid = d[0];
        var body = d[1..used];
        if (cid == 8) return Encoding.UTF8.GetBytes(Encoding.Latin1.GetString(body));
        if (cid == 16) return Bytes.Utf16ToUtf8(body, bigEndian: true);
        return [];
    }

    internal static string? Uuid(byte[] volset)
    {
        if (volset.Length < 8) return null;
        var buf = new byte[16];
        Array.Copy(volset, buf, Math.Min(16, volset.Length));
        var hex = 0;
        while (hex < 16 && Uri.IsHexDigit((char)buf[hex])) hex++;
        var sb = new StringBuilder(16);
        if (hex < 8) foreach (var b in buf[..8]) sb.Append(b.ToString("x2"));
        else if (hex < 16)
        {
            for (var i = 0; i < 8; i++) sb.Append(char.ToLowerInvariant((char)buf[i]));
            foreach (var b in buf[8..12]) sb.Append(b.ToString("x2"));
        }
        else for (var i = 0; i < 16; i++) sb.Append(char.ToLowerInvariant((char)buf[i]));
        return sb.ToString();
    }
}
