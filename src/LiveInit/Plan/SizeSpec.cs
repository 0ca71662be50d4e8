using System.Text.Json.Serialization;

namespace LiveInit.Plan;

/// <summary>A tmpfs-style size: bytes with an optional K/M/G/T suffix, or a percentage of RAM.</summary>
public sealed record SizeSpec(long Bytes, int Percent)
{
    [JsonIgnore]
    public bool IsPercent => Percent > 0;

    public static SizeSpec OfPercent(int p) => new(0, p);
    public static SizeSpec OfMiB(long m) => new(m << 20, 0);

    public static bool TryParse(string? text, out SizeSpec? size)
    {
        size = null;
        if (string.IsNullOrEmpty(text)) return false;
        var t = text.Trim();
        if (t.EndsWith('%'))
        {
            if (!int.TryParse(t.AsSpan(0, t.Length - 1), System.Globalization.NumberStyles.None, null, out var p) || p is < 1 or > 100)
                return false;
            size = OfPercent(p);
            return true;
        }
        var shift = 0;
        var last = char.ToUpperInvariant(t[^1]);
        if (last is 'K' or 'M' or 'G' or 'T') { shift = last switch { 'K' => 10, 'M' => 20, 'G' => 30, _ => 40 }; t = t[..^1]; }
        if (!long.TryParse(t, System.Globalization.NumberStyles.None, null, out var n) || n <= 0) return false;
        if (n > (long.MaxValue >> shift)) return false;
        size = new SizeSpec(n << shift, 0);
        return true;
    }

    /// <summary>The tmpfs <c>size=</c> option text.</summary>
    [JsonIgnore]
    public string MountOption => IsPercent ? $"{Percent}%" : Bytes % (1 << 20) == 0 ? $"{Bytes >> 20}m" : $"{Bytes}";

    public override string ToString() => IsPercent ? $"{Percent}% of RAM"
        : Bytes % (1L << 30) == 0 ? $"{Bytes >> 30}G" : Bytes % (1 << 20) == 0 ? $"{Bytes >> 20}M" : $"{Bytes} bytes";
}
