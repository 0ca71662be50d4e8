using System.Globalization;

namespace LiveInit.Net;

/// <summary>A network interface as sysfs shows it.</summary>
public sealed record NetInterface(string Name, int Index, string Mac, int Type)
{
    /// <summary>ARPHRD_ETHER (linux/if_arp.h): the only kind DHCP runs on here.</summary>
    public const int ArphrdEther = 1;
    public bool IsEthernet => Type == ArphrdEther;
}

/// <summary>The interfaces in /sys/class/net (bounded: names, at most 64 links, small files).</summary>
public static class Interfaces
{
    private const string Root = "/sys/class/net";

    public static List<NetInterface> List()
    {
        var found = new List<NetInterface>();
        if (!Directory.Exists(Root)) return found;
        foreach (var dir in Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal).Take(64))
        {
            var name = Path.GetFileName(dir);
            var index = ReadInt(Path.Combine(dir, "ifindex"));
            var type = ReadInt(Path.Combine(dir, "type"));
            var mac = Read(Path.Combine(dir, "address"))?.ToLowerInvariant() ?? "";
            if (index is null || type is null) continue;
            found.Add(new NetInterface(name, index.Value, mac, type.Value));
        }
        return found;
    }

    /// <summary>Whether the link has a carrier (reading 'carrier' of a link that is down fails: false).</summary>
    public static bool HasCarrier(string name) => Read(Path.Combine(Root, name, "carrier")) == "1";

    private static int? ReadInt(string path) =>
        int.TryParse(Read(path), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static string? Read(string path)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            var buf = new byte[128];
            var n = f.Read(buf, 0, buf.Length);
            return System.Text.Encoding.ASCII.GetString(buf, 0, n).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
