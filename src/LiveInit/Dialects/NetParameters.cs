using LiveInit.Cmdline;
using LiveInit.Net;
using LiveInit.Plan;
using LiveInit.Tools.Net;

namespace LiveInit.Dialects;

/// <summary>
/// The network parameters every dialect shares (pure): the kernel's
/// <c>ip=&lt;client&gt;:&lt;server&gt;:&lt;gw&gt;:&lt;netmask&gt;:&lt;host&gt;:&lt;dev&gt;:&lt;autoconf&gt;:&lt;dns0&gt;:&lt;dns1&gt;</c>,
/// <c>ip=dhcp</c> (also on/any/bootp), dracut's <c>ip=&lt;dev&gt;:dhcp</c>, <c>BOOTIF=01-xx-xx-xx-xx-xx-xx</c>
/// (PXELINUX <c>ipappend 2</c>, iPXE), <c>rd.net.timeout.dhcp=</c>/<c>rd.net.timeout.carrier=</c> (seconds), and
/// LiveInit's <c>liveinit.srm=http://…</c> (repeatable). Several ip= configure one interface: the last wins.
/// </summary>
public static class NetParameters
{
    public static IReadOnlyList<string> Keys { get; } =
        ["ip", "BOOTIF", "rd.net.timeout.dhcp", "rd.net.timeout.carrier", "liveinit.srm"];

    private static readonly string[] DhcpWords = ["dhcp", "on", "any", "both", "bootp", "dhcp4"];

    /// <summary>The bring-up asked for by ip=, or DHCP when <paramref name="needed"/> (a network image) and ip= is
    /// absent or off; null when no network is wanted.</summary>
    public static IpPlan? Ip(KernelCommandLine c, Diagnostics d, bool needed, string neededBy = "")
    {
        var all = c.GetAll("ip");
        var bootIf = BootIf(c, d);
        var dhcpTimeout = Seconds(c, d, "rd.net.timeout.dhcp", IpPlan.DefaultDhcpTimeoutSeconds);
        var linkTimeout = Seconds(c, d, "rd.net.timeout.carrier", IpPlan.DefaultLinkTimeoutSeconds);
        var dhcp = new IpPlan(IpMethod.Dhcp, null, bootIf, null, 0, null, null, null, [], dhcpTimeout, linkTimeout);
        if (all.Count == 0)
        {
            if (needed) d.Warn("ip", $"not given; {neededBy} needs the network: using ip=dhcp");
            return needed ? dhcp : null;
        }
        if (all.Count > 1) d.Warn("ip", $"given {all.Count} times; LiveInit configures one interface: the last one");
        var value = all[^1] ?? "";
        if (value.Length == 0) { d.Error("ip", "has no value; using ip=dhcp"); return dhcp; }
        if (value is "off" or "none")
        {
            if (needed) d.Error("ip", $"'{value}' but {neededBy} needs the network: using ip=dhcp");
            return needed ? dhcp : null;
        }
        if (DhcpWords.Contains(value)) return Dhcp(d, value, dhcp);
        var f = value.Split(':');
        if (f.Length == 2 && DhcpWords.Contains(f[1]))   // dracut: ip=<interface>:dhcp
            return Dhcp(d, f[1], dhcp with { Device = DeviceName(d, f[0]) });
        string F(int i) => i < f.Length ? f[i] : "";
        var device = DeviceName(d, F(5));
        var auto = F(6);
        var dns = new List<string>();
        foreach (var i in new[] { 7, 8 })
            if (F(i).Length > 0)
            {
                if (Ipv4.TryParse(F(i), out _)) dns.Add(F(i));
                else d.Error("ip", $"DNS server '{F(i)}' is not an IPv4 address; ignored");
            }
        var server = Address(d, F(1), "server");
        if (F(0).Length == 0 || DhcpWords.Contains(auto))
        {
            if (auto.Length > 0 && !DhcpWords.Contains(auto) && auto is not ("off" or "none"))
                d.Error("ip", $"autoconf '{auto}' is not dhcp, on, any, off or none; using dhcp");
            if (auto is "off" or "none" && !needed) return null;
            return Dhcp(d, auto.Length == 0 ? "dhcp" : auto, dhcp with
            {
                Device = device, Server = server, Hostname = Host(F(4)), Dns = dns,
            });
        }
        if (!Ipv4.TryParse(F(0), out var client))
        {
            d.Error("ip", $"client address '{F(0)}' is not an IPv4 address; using ip=dhcp");
            return dhcp with { Device = device };
        }
        int prefix;
        if (F(3).Length == 0) prefix = Ipv4.ClassfulPrefix(client);
        else if (!Ipv4.TryPrefix(F(3), out prefix))
        {
            prefix = Ipv4.ClassfulPrefix(client);
            d.Error("ip", $"netmask '{F(3)}' is not a netmask or prefix length; using /{prefix}");
        }
        return new IpPlan(IpMethod.Static, device, bootIf, client.ToString(), prefix, Address(d, F(2), "gateway"),
            server, Host(F(4)), dns, dhcpTimeout, linkTimeout);
    }

    /// <summary>The SRM URLs of liveinit.srm= (http:// only: the agent carries no TLS).</summary>
    public static List<string> SrmUrls(KernelCommandLine c, Diagnostics d)
    {
        var urls = new List<string>();
        foreach (var v in c.GetAll("liveinit.srm"))
        {
            if (Url(d, "liveinit.srm", v) is { } u) urls.Add(u);
        }
        return urls;
    }

    /// <summary>A URL the agent can fetch (http://HOST[:PORT]/PATH), else an error naming it and null.</summary>
    public static string? Url(Diagnostics d, string key, string? value)
    {
        if (string.IsNullOrEmpty(value)) { d.Error(key, "has no value; ignored"); return null; }
        var probe = value.Replace("${pxeserver}", "0.0.0.0", StringComparison.Ordinal);
        try
        {
            var u = HttpUrl.Parse(probe);
            if (u.Secure && !Net.Tls.Available)
            {
                d.Error(key, $"'{value}': https:// needs the TLS agent (./build.sh tls, mkinitramfs --net "
                    + "--agent artifacts/liveinit-tls); or use http:// and a checksum or signature");
                return null;
            }
            return value;
        }
        catch (FormatException e)
        {
            d.Error(key, $"'{value}': {e.Message}; ignored");
            return null;
        }
    }

    /// <summary>Adds ip= and liveinit.srm= to a plan whose dialect set no network part; adds the SRM URLs to one
    /// that did.</summary>
    public static BootPlan Complete(BootPlan plan, KernelCommandLine c, Diagnostics d)
    {
        var srms = SrmUrls(c, d);
        if (plan.Net is { } net)
            return srms.Count == 0 ? plan : plan with { Net = net with { SrmUrls = [.. net.SrmUrls, .. srms] } };
        var ip = Ip(c, d, srms.Count > 0, "liveinit.srm=");
        if (ip is null) return plan;
        return plan with { Net = new NetPlan(ip, null, srms, NetPlan.DefaultLeaseDir, FlushAtSwitch: false) };
    }

    private static IpPlan Dhcp(Diagnostics d, string word, IpPlan plan)
    {
        if (word is "bootp") d.Warn("ip", "bootp is done as DHCP (which answers BOOTP's questions too)");
        return plan with { Method = IpMethod.Dhcp };
    }

    private static string? DeviceName(Diagnostics d, string name)
    {
        if (name.Length == 0) return null;
        if (name.Length <= 15 && LiveInit.Text.Chars.All(name, ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.')) return name;
        d.Error("ip", $"'{name}' is not an interface name; choosing the interface by BOOTIF= or carrier");
        return null;
    }

    private static string? Address(Diagnostics d, string text, string what)
    {
        if (text.Length == 0) return null;
        if (Ipv4.TryParse(text, out var a)) return a.ToString();
        d.Error("ip", $"{what} '{text}' is not an IPv4 address; ignored");
        return null;
    }

    private static string? Host(string text) =>
        text.Length is > 0 and <= 64 && LiveInit.Text.Chars.All(text, ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.') ? text : null;

    /// <summary>BOOTIF=01-52-54-00-12-34-56 (ARP type 1, then the MAC) as 52:54:00:12:34:56.</summary>
    public static string? BootIf(KernelCommandLine c, Diagnostics d)
    {
        var v = c.Get("BOOTIF");
        if (v is null) return null;
        var parts = v.ToLowerInvariant().Split('-', ':');
        if (parts.Length == 7 && parts[0] == "01") parts = parts[1..];
        if (parts.Length == 6 && parts.All(p => p.Length == 2 && LiveInit.Text.Chars.All(p, char.IsAsciiHexDigit)))
            return string.Join(':', parts);
        d.Error("BOOTIF", $"'{v}' is not 01-xx-xx-xx-xx-xx-xx (an Ethernet MAC); choosing the interface by carrier");
        return null;
    }

    private static int Seconds(KernelCommandLine c, Diagnostics d, string key, int fallback)
    {
        var p = c.Find(key);
        if (p is null) return fallback;
        if (int.TryParse(p.Value, out var s) && s is >= 1 and <= 600) return s;
        d.Error(key, $"'{p.Value}' is not a number of seconds (1-600); using {fallback}");
        return fallback;
    }
}
