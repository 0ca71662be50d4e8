using System.Text;

namespace LiveInit.Probe.Filesystems;

/// <summary>ISO 9660 (primary volume descriptor "CD001" at 32 KiB). The label merges a Joliet
/// supplementary descriptor (UTF-16BE, 16 characters) with the 32-character ISO label as libblkid does;
/// VERSION "Joliet Extension" when Joliet is present; UUID from the modification date, else the creation
/// date, as YYYY-MM-DD-HH-MM-SS-CC.</summary>
public sealed class Iso9660Prober : IFilesystemProber
{
    private const long VdStart = 0x8000;

    public string Name => "iso9660";
    public ProbeUsage Usage => ProbeUsage.Filesystem;

    public bool Probe(ProbeSource src, ProbeResult r)
    {
        var pvd = src.Read(VdStart, 2048);
        if (pvd.IsEmpty || pvd[0] != 1 || !Bytes.Is(pvd, 1, "CD001")) return false;
        ReadOnlySpan<byte> joliet = default;
        for (var i = 1; i < 64; i++)
        {
            var vd = src.Read(VdStart + i * 2048L, 2048);
            if (vd.IsEmpty || !Bytes.Is(vd, 1, "CD001") || vd[0] == 255) break;
            if (vd[0] == 2 && vd[88] == '%' && vd[89] == '/' && vd[90] is (byte)'@' or (byte)'C' or (byte)'E')
            {
                joliet = vd;
                break;
            }
        }
        r.Set("TYPE", "iso9660");
        var isoLabel = pvd.Slice(40, 32);
        if (!joliet.IsEmpty)
        {
            var merged = Merge(joliet.Slice(40, 32), isoLabel);
            if (merged.Length > 0) r.SetLabel("LABEL", merged);
            else r.SetLabel("LABEL", isoLabel);
            r.Set("VERSION", "Joliet Extension");
        }
        else r.SetLabel("LABEL", isoLabel);
        if (!SetUuid(pvd.Slice(830, 17), r)) SetUuid(pvd.Slice(813, 17), r);
        return true;
    }

    /// <summary>Joliet characters while they last, then the rest of the ISO label from the same position.</summary>
    internal static byte[] Merge(ReadOnlySpan<byte> utf16, ReadOnlySpan<byte> ascii)
    {
        var sb = new StringBuilder();
        var pos = 0;
        for (var u = 0; u + 1 < utf16.Length; u += 2, pos++)
        {
            var c = (char)(utf16[u] << 8 | utf16[u + 1]);
            if (c == 0) break;
            if (char.IsHighSurrogate(c) && u + 3 < utf16.Length)
            {
                var lo = (char)(utf16[u + 2] << 8 | utf16[u + 3]);
                if (char.IsLowSurrogate(lo)) { sb.Append(c).Append(lo); u += 2; pos++; continue; }
            }
            sb.Append(c);
        }
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(sb.ToString()));
        for (var a = pos; a < ascii.Length; a++) bytes.Add(ascii[a]);
        return bytes.ToArray();
    }

    private static bool SetUuid(ReadOnlySpan<byte> date, ProbeResult r)
    {
        var d = date[..16];
        if (Bytes.AllZero(d) || d.IndexOfAnyExcept((byte)'0') < 0) return false;
        for (var i = 0; i < 16; i++) if (d[i] is < (byte)'0' or > (byte)'9') return false;
        var s = Encoding.ASCII.GetString(d);
        r.Set("UUID", $"{s[..4]}-{s[4..6]}-{s[6..8]}-{s[8..10]}-{s[10..12]}-{s[12..14]}-{s[14..16]}");
        return true;
    }
}
