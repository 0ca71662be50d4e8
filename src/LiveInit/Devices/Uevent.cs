namespace LiveInit.Devices;

/// <summary>One kernel uevent: <c>ACTION@DEVPATH</c> followed by NUL-separated KEY=value pairs.</summary>
public sealed record Uevent(string Action, string DevPath, IReadOnlyDictionary<string, string> Values)
{
    public string? Subsystem => Values.GetValueOrDefault("SUBSYSTEM");
    public string? DevName => Values.GetValueOrDefault("DEVNAME");
    public string? Modalias => Values.GetValueOrDefault("MODALIAS");

    public static Uevent? Parse(ReadOnlySpan<byte> msg)
    {
        var text = System.Text.Encoding.UTF8.GetString(msg);
        var parts = text.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return null;
        var head = parts[0];
        if (head.StartsWith("libudev", StringComparison.Ordinal)) return null;   // udev's own re-broadcasts
        var at = head.IndexOf('@');
        if (at <= 0) return null;
        var values = new Dictionary<string, string>();
        for (var i = 1; i < parts.Length; i++)
        {
            var eq = parts[i].IndexOf('=');
            if (eq > 0) values[parts[i][..eq]] = parts[i][(eq + 1)..];
        }
        return new Uevent(head[..at], head[(at + 1)..], values);
    }
}
