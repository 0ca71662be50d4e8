using System.Net;
using System.Net.Sockets;
using System.Text;
using LiveInit.Native.Linux;

namespace LiveInit.Net;

/// <summary>
/// A DHCPv4 client for one interface: DISCOVER, OFFER, REQUEST, ACK over a UDP socket bound to port 68 on the
/// interface (SO_BINDTODEVICE), broadcast flag set so the answers reach an interface that has no address yet.
/// DISCOVER is resent after 1, 2, 4, 8, 8… s (RFC 2131 asks for exponential backoff; a boot cannot wait 64 s
/// per try) until <c>timeoutSeconds</c> (rd.net.timeout.dhcp, 30 s by default) have passed; a REQUEST is resent
/// up to 3 times, a NAK starts over. The xid is random; replies for other xids or MACs are ignored.
/// </summary>
public sealed class DhcpClient(NetInterface nic, Action<string> log)
{
    private const int RequestTries = 3, RequestWaitMs = 2000, MaxWaitMs = 8000;

    public DhcpReply Run(int timeoutSeconds, string? hostname = null)
    {
        var mac = Mac(nic.Mac);
        using var s = Open();
        var start = Environment.TickCount64;
        var deadline = start + timeoutSeconds * 1000L;
        var xid = (uint)Random.Shared.Next();
        var wait = 1000;
        var tries = 0;
        while (Environment.TickCount64 < deadline)
        {
            tries++;
            Send(s, DhcpMessage.Build(DhcpType.Discover, xid, mac, Secs(start), hostname: hostname));
            var offer = Receive(s, xid, mac, Math.Min(wait, (int)(deadline - Environment.TickCount64)), DhcpType.Offer);
            wait = Math.Min(wait * 2, MaxWaitMs);
            if (offer is null) continue;
            if (Unusable(offer) is { } why)
            {
                log($"DHCP offer from {offer.ServerId ?? offer.NextServer} on {nic.Name} ignored: {why}");
                continue;
            }
            log($"DHCP offer of {offer.YourAddress} from {offer.ServerId ?? offer.NextServer} on {nic.Name}");
            for (var r = 0; r < RequestTries && Environment.TickCount64 < deadline; r++)
            {
                Send(s, DhcpMessage.Build(DhcpType.Request, xid, mac, Secs(start), offer.YourAddress,
                    offer.ServerId, hostname));
                var ack = Receive(s, xid, mac, RequestWaitMs, DhcpType.Ack, DhcpType.Nak);
                if (ack is null) continue;
                if (ack.Type == DhcpType.Ack && Unusable(ack) is { } bad)
                {
                    log($"DHCP ACK from {ack.ServerId} on {nic.Name} ignored: {bad}");
                    break;
                }
                if (ack.Type == DhcpType.Ack) return ack;
                log($"DHCP server {ack.ServerId} refused {offer.YourAddress} (NAK); starting over");
                break;
            }
            xid = (uint)Random.Shared.Next();
        }
        throw new IOException($"no DHCP answer on {nic.Name} ({nic.Mac}) within {timeoutSeconds} s ({tries} "
            + "DISCOVERs sent). Is the cable in and a DHCP server on this network? Raise rd.net.timeout.dhcp=, "
            + "or give a static ip=<client>::<gw>:<netmask>::<dev>:none");
    }

    private Socket Open()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Broadcast, true);
            s.SetRawSocketOption(1, Rtnl.SO_BINDTODEVICE, Encoding.ASCII.GetBytes(nic.Name + "\0"));
            s.Bind(new IPEndPoint(IPAddress.Any, DhcpMessage.ClientPort));
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    private static void Send(Socket s, byte[] packet) =>
        s.SendTo(packet, new IPEndPoint(IPAddress.Broadcast, DhcpMessage.ServerPort));

    private static DhcpReply? Receive(Socket s, uint xid, byte[] mac, int waitMs, params DhcpType[] wanted)
    {
        var buf = new byte[4096];
        var end = Environment.TickCount64 + Math.Max(0, waitMs);
        while (true)
        {
            var left = end - Environment.TickCount64;
            if (left <= 0 || !s.Poll((int)Math.Min(left * 1000, int.MaxValue), SelectMode.SelectRead)) return null;
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            int n;
            try { n = s.ReceiveFrom(buf, ref from); }
            catch (SocketException) { continue; }
            var reply = DhcpMessage.Parse(buf.AsSpan(0, n), xid, mac);
            if (reply is not null && wanted.Contains(reply.Type)) return reply;
        }
    }

    /// <summary>Why a server's answer cannot be configured (a hostile or broken server): the address must be
    /// unicast (not 0.0.0.0, broadcast, multicast, loopback or class E), the mask 1-32 bits, the router in
    /// unicast space too.</summary>
    public static string? Unusable(DhcpReply r)
    {
        static bool Unicast(IPAddress a)
        {
            var b = a.GetAddressBytes();
            return b[0] is not (0 or 127) && b[0] < 224 && !a.Equals(IPAddress.Broadcast);
        }
        if (!Unicast(r.YourAddress)) return $"{r.YourAddress} is not a unicast address";
        if (r.Prefix is 0) return "a netmask of 0.0.0.0";
        if (r.Router is { } gw && !Unicast(gw)) return $"router {gw} is not a unicast address";
        if (r.Router is { } g && g.Equals(r.YourAddress)) return "the router is the offered address itself";
        return null;
    }

    private static ushort Secs(long start) => (ushort)Math.Min(ushort.MaxValue, (Environment.TickCount64 - start) / 1000);

    public static byte[] Mac(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 6) throw new IOException($"'{text}' is not an Ethernet address");
        return [.. parts.Select(p => Convert.ToByte(p, 16))];
    }
}
