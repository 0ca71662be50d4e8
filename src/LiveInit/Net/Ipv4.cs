using System.Net;
using System.Net.Sockets;

namespace LiveInit.Net;

/// <summary>IPv4 address arithmetic (pure).</summary>
public static class Ipv4
{
    public static uint ToUInt(IPAddress a)
    {
        var b = a.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    public static IPAddress FromUInt(uint v) =>
        new([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);

    public static uint Mask(int prefix) => prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);

    public static IPAddress Broadcast(IPAddress a, int prefix) => FromUInt(ToUInt(a) | ~Mask(prefix));

    public static IPAddress Network(IPAddress a, int prefix) => FromUInt(ToUInt(a) & Mask(prefix));

    /// <summary>A dotted netmask (255.255.255.0) or a prefix length (24) as a prefix length; false when the mask
    /// has holes or is out of range.</summary>
    public static bool TryPrefix(string text, out int prefix)
    {
        prefix = 0;
        if (int.TryParse(text, out var p)) { prefix = p; return p is >= 0 and <= 32; }
        if (!TryParse(text, out var m)) return false;
        var v = ToUInt(m);
        var n = 0;
        while (n < 32 && (v & (1u << (31 - n))) != 0) n++;
        if (Mask(n) != v) return false;
        prefix = n;
        return true;
    }

    /// <summary>Only dotted quads (IPAddress.TryParse also takes "10" or "1.2").</summary>
    public static bool TryParse(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text is null || text.Split('.').Length != 4) return false;
        if (!IPAddress.TryParse(text, out var a) || a.AddressFamily != AddressFamily.InterNetwork) return false;
        address = a;
        return true;
    }

    /// <summary>The classful default prefix the kernel's ipconfig uses when no netmask is given.</summary>
    public static int ClassfulPrefix(IPAddress a)
    {
        var first = a.GetAddressBytes()[0];
        return first < 128 ? 8 : first < 192 ? 16 : 24;
    }
}
