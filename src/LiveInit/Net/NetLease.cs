using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveInit.Net;

/// <summary>What the bring-up configured on one interface: the typed result of <see cref="NetworkUp"/>.
/// <see cref="Method"/> is "dhcp" or "static"; <see cref="Server"/> is the DHCP server (or ip='s server field),
/// <see cref="NextServer"/> the boot server the DHCP reply names (siaddr).</summary>
public sealed record NetLease(
    string Interface, int Index, string Mac, string Method, string Address, int Prefix, string? Gateway,
    IReadOnlyList<string> Dns, string? Server, string? NextServer, string? Hostname, string? Domain,
    uint? LeaseSeconds)
{
    /// <summary>The DNS servers as addresses, for <see cref="Resolver"/>.</summary>
    [JsonIgnore]
    public IReadOnlyList<System.Net.IPAddress> DnsAddresses => [.. Dns.Select(System.Net.IPAddress.Parse)];

    /// <summary>The shell-sourceable form (<c>. /run/liveinit/net/lease.env</c>): NAME='value' lines, values limited
    /// to characters that cannot end the quoting.</summary>
    public string ToEnv()
    {
        var s = new StringBuilder("# written by LiveInit's network bring-up; source it from a shell\n");
        void Line(string k, string? v) => s.Append($"{k}='{Safe(v ?? "")}'\n");
        Line("INTERFACE", Interface);
        Line("MAC", Mac);
        Line("METHOD", Method);
        Line("IPADDR", Address);
        Line("PREFIX", Prefix.ToString());
        Line("NETMASK", Ipv4.FromUInt(Ipv4.Mask(Prefix)).ToString());
        Line("GATEWAY", Gateway);
        Line("DNS", string.Join(' ', Dns));
        Line("SERVER", Server);
        Line("NEXT_SERVER", NextServer);
        Line("HOSTNAME", Hostname);
        Line("DOMAIN", Domain);
        Line("LEASE_SECONDS", LeaseSeconds?.ToString());
        return s.ToString();
    }

    private static string Safe(string v) =>
        LiveInit.Text.Chars.Keep(v, c => c is >= ' ' and <= '~' && c != '\'' && c != '\\', 256);

    /// <summary>Writes <c>lease.env</c> and <c>lease.json</c> into <paramref name="dir"/> (a folder under /run).</summary>
    public void Write(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "lease.env"), ToEnv());
        File.WriteAllText(Path.Combine(dir, "lease.json"),
            ToJson() + "\n");
    }

    /// <summary>lease.json: the fields in camelCase, written with <see cref="Utf8JsonWriter"/> (no serializer in the
    /// agent; NetLeaseTests compares it with what the serializer gives).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("interface", Interface);
            w.WriteNumber("index", Index);
            w.WriteString("mac", Mac);
            w.WriteString("method", Method);
            w.WriteString("address", Address);
            w.WriteNumber("prefix", Prefix);
            w.WriteString("gateway", Gateway);
            w.WriteStartArray("dns");
            foreach (var d in Dns) w.WriteStringValue(d);
            w.WriteEndArray();
            w.WriteString("server", Server);
            w.WriteString("nextServer", NextServer);
            w.WriteString("hostname", Hostname);
            w.WriteString("domain", Domain);
            if (LeaseSeconds is { } s) w.WriteNumber("leaseSeconds", s);
            else w.WriteNull("leaseSeconds");
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
