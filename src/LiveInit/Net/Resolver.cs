using System.Net;
using System.Net.Sockets;

namespace LiveInit.Net;

/// <summary>
/// Host names to IPv4 addresses for the agent's HTTP fetches (the static binary has no working getaddrinfo):
/// an address literal as it is, else an A query over UDP to each DNS server of the lease in turn, 2 s per try,
/// 2 rounds; the first non-empty answer wins. A server that says NXDOMAIN ends the search.
/// </summary>
public sealed class Resolver(IReadOnlyList<IPAddress> servers, int port = 53)
{
    private const int TryMs = 2000, Rounds = 2;

    public IReadOnlyList<IPAddress> Servers { get; } = servers;

    public IReadOnlyList<IPAddress> Resolve(string host)
    {
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        if (Servers.Count == 0)
            throw new IOException($"cannot resolve '{host}': no DNS server (the DHCP lease named none, ip= gave "
                + "none); use the server's IP address in the URL, or add dns0 to ip=…:<dns0>");
        for (var round = 0; round < Rounds; round++)
            foreach (var server in Servers)
            {
                var found = Ask(new IPEndPoint(server, port), host, out var rcode);
                if (found is { Count: > 0 }) return found;
                if (rcode == 3) throw new IOException($"the DNS server {server} says '{host}' does not exist (NXDOMAIN)");
            }
        throw new IOException($"cannot resolve '{host}': no A record from {string.Join(", ", Servers)} "
            + $"({Rounds} rounds of {TryMs / 1000} s); use the server's IP address in the URL");
    }

    private static List<IPAddress>? Ask(IPEndPoint server, string host, out int rcode)
    {
        rcode = -1;
        var id = (ushort)Random.Shared.Next(65536);
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            s.Connect(server);
            s.Send(DnsQuery.Build(id, host));
            var buf = new byte[1500];
            var end = Environment.TickCount64 + TryMs;
            while (Environment.TickCount64 < end)
            {
                if (!s.Poll((int)(end - Environment.TickCount64) * 1000, SelectMode.SelectRead)) break;
                var n = s.Receive(buf);
                var a = DnsQuery.Parse(buf.AsSpan(0, n), id, out rcode);
                if (a is not null) return a;
            }
        }
        catch (SocketException) { }
        return null;
    }
}
