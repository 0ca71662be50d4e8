// The network bring-up of the agent (API for the other boot steps):
//
//   NetLease lease = NetworkUp.Bring(NetPlan.Ip, NetPlan.LeaseDir, log);   // or the BootStep: new NetworkUp(net)
//
// The step waits (bounded by ip's LinkTimeoutSeconds) for the interface ip= names, else the one BOOTIF= names,
// else the first Ethernet interface with a carrier (NIC drivers come from coldplug: `mkinitramfs --net` puts
// them in the image), sets it up through rtnetlink (RouteSocket), runs DHCP (DhcpClient) or takes the static
// ip= values, adds the address and the default route, writes lease.env / lease.json to NetPlan.LeaseDir, and
// sets BootContext.Lease. Host names resolve with `new Resolver(lease.DnsAddresses)` (own A-record resolver:
// glibc's getaddrinfo does not work in the static binary). At switch_root, HandOverNetwork leaves the
// configuration as it is (dracut) or flushes it (archiso), as NetPlan.FlushAtSwitch says.
// A file over HTTP (Range resume, retries, bounded): `new HttpDownload(new Resolver(lease.DnsAddresses), log)
// .Fetch(url, total => (seekableStream, maxBytes))` returns a DownloadResult; FetchImage uses it for the image
// (into RAM, then BootContext.ImageFile), FetchSrms for liveinit.srm= URLs.
using System.Net;
using LiveInit.Boot;
using LiveInit.Plan;

namespace LiveInit.Net;

/// <summary>Brings one interface up as the plan says and records the lease (see the file's top comment).</summary>
public sealed class NetworkUp(NetPlan net) : BootStep
{
    public override string Describe()
    {
        var ip = net.Ip;
        var which = ip.Device ?? (ip.BootIfMac is not null ? $"the interface with MAC {ip.BootIfMac} (BOOTIF)"
            : "the first Ethernet interface with a carrier");
        var how = ip.Method == IpMethod.Dhcp ? $"DHCP (up to {ip.DhcpTimeoutSeconds} s)"
            : $"static {ip.Address}/{ip.Prefix}" + (ip.Gateway is null ? "" : $" via {ip.Gateway}");
        return $"bring up the network on {which} (wait up to {ip.LinkTimeoutSeconds} s) with {how}; lease in "
            + $"{net.LeaseDir}/lease.env and lease.json";
    }

    public override void Run(BootContext ctx)
    {
        try { ctx.Lease = Bring(net.Ip, net.LeaseDir, ctx.Log); }
        catch (IOException e)
        {
            if (net.Image is null && net.SrmUrls.Count == 0)
            {
                ctx.Log.Warn($"network bring-up failed: {e.Message}; the boot goes on without a network");
                return;
            }
            throw new BootFailure($"network bring-up failed: {e.Message}", e);
        }
    }

    /// <summary>Brings the interface up; throws <see cref="IOException"/> with what to do when it cannot.</summary>
    public static NetLease Bring(IpPlan ip, string leaseDir, BootLog log)
    {
        using var rt = new RouteSocket();
        TryLoopbackUp(rt, log);
        var nic = WaitForInterface(ip, rt, log);
        var carrierEnd = Environment.TickCount64 + ip.LinkTimeoutSeconds * 1000L;
        while (!Interfaces.HasCarrier(nic.Name) && Environment.TickCount64 < carrierEnd) Thread.Sleep(100);
        if (!Interfaces.HasCarrier(nic.Name)) log.Warn($"{nic.Name} has no carrier (cable?); trying anyway");
        NetLease lease;
        if (ip.Method == IpMethod.Dhcp)
        {
            log.Info($"DHCP on {nic.Name} ({nic.Mac})");
            var r = new DhcpClient(nic, log.Info).Run(ip.DhcpTimeoutSeconds, ip.Hostname);
            var prefix = r.Prefix ?? Ipv4.ClassfulPrefix(r.YourAddress);
            var dns = ip.Dns.Count > 0 ? ip.Dns : r.Dns.Select(a => a.ToString()).ToList();
            lease = new NetLease(nic.Name, nic.Index, nic.Mac, "dhcp", r.YourAddress.ToString(), prefix,
                r.Router?.ToString(), dns, ip.Server ?? r.ServerId?.ToString(),
                r.NextServer.Equals(IPAddress.Any) ? null : r.NextServer.ToString(), ip.Hostname ?? r.Hostname,
                r.Domain, r.LeaseSeconds);
        }
        else
        {
            lease = new NetLease(nic.Name, nic.Index, nic.Mac, "static", ip.Address!, ip.Prefix, ip.Gateway, ip.Dns,
                ip.Server, null, ip.Hostname, null, null);
        }
        Configure(rt, lease);
        log.Notice($"network: {lease.Interface} {lease.Address}/{lease.Prefix}"
            + (lease.Gateway is null ? "" : $" via {lease.Gateway}")
            + (lease.Dns.Count == 0 ? "" : $", DNS {string.Join(' ', lease.Dns)}") + $" ({lease.Method})");
        try { lease.Write(leaseDir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"cannot write the lease to {leaseDir}: {e.Message}");
        }
        return lease;
    }

    private static void Configure(RouteSocket rt, NetLease lease)
    {
        var addr = IPAddress.Parse(lease.Address);
        rt.AddAddress(lease.Index, lease.Interface, addr, lease.Prefix);
        if (lease.Gateway is null) return;
        var gw = IPAddress.Parse(lease.Gateway);
        if (Ipv4.Network(gw, lease.Prefix).Equals(Ipv4.Network(addr, lease.Prefix)) is false)
            rt.AddRoute(lease.Index, lease.Interface, gw, 32, null);   // a gateway outside the subnet: on-link
        rt.AddRoute(lease.Index, lease.Interface, IPAddress.Any, 0, gw);
    }

    private static void TryLoopbackUp(RouteSocket rt, BootLog log)
    {
        var lo = Interfaces.List().FirstOrDefault(i => i.Name == "lo");
        if (lo is null) return;
        try { rt.LinkUp(lo.Index, "lo"); }
        catch (IOException e) { log.Warn($"cannot bring lo up: {e.Message}"); }
    }

    /// <summary>The interface to use: ip='s device, BOOTIF='s MAC, or the first Ethernet interface that gets a
    /// carrier; each Ethernet interface is set up as it appears, so its carrier can be seen.</summary>
    private static NetInterface WaitForInterface(IpPlan ip, RouteSocket rt, BootLog log)
    {
        var end = Environment.TickCount64 + ip.LinkTimeoutSeconds * 1000L;
        var up = new HashSet<string>();
        var seen = new List<NetInterface>();
        while (true)
        {
            seen = Interfaces.List().Where(i => i.Name != "lo").ToList();
            foreach (var i in seen.Where(i => i.IsEthernet && up.Add(i.Name)))
            {
                try { rt.LinkUp(i.Index, i.Name); }
                catch (IOException e) { log.Warn($"cannot set {i.Name} up: {e.Message}"); }
            }
            NetInterface? pick = ip.Device is { } dev ? seen.FirstOrDefault(i => i.Name == dev)
                : ip.BootIfMac is { } mac ? seen.FirstOrDefault(i => i.Mac == mac)
                : seen.FirstOrDefault(i => i.IsEthernet && Interfaces.HasCarrier(i.Name));
            if (pick is not null)
            {
                if (up.Add(pick.Name)) rt.LinkUp(pick.Index, pick.Name);
                return pick;
            }
            if (Environment.TickCount64 >= end) break;
            Thread.Sleep(100);
        }
        var list = seen.Count == 0 ? "none (is the NIC driver in the initramfs? build it with mkinitramfs --net)"
            : string.Join(", ", seen.Select(i => $"{i.Name} {i.Mac}{(Interfaces.HasCarrier(i.Name) ? " carrier" : " no carrier")}"));
        var wanted = ip.Device ?? (ip.BootIfMac is not null ? $"MAC {ip.BootIfMac} (BOOTIF=)" : "an Ethernet interface with a carrier");
        throw new IOException($"no network interface {wanted} within {ip.LinkTimeoutSeconds} s. Interfaces seen: "
            + $"{list}. Name another in ip=…:<device>:…, or raise rd.net.timeout.carrier=");
    }
}

/// <summary>At switch_root: the addresses stay configured for the live system (dracut's way: its network
/// manager takes the lease over from /run/liveinit/net), or, when the plan says so (archiso, whose image is in
/// RAM and which leaves network set-up to the live system), they are flushed.</summary>
public sealed class HandOverNetwork(NetPlan net) : BootStep
{
    public override string Describe() => net.FlushAtSwitch
        ? "flush the boot-time addresses before switch_root (archiso: the live system configures its network)"
        : $"leave the network configured for the live system (lease in {net.LeaseDir})";

    public override void Run(BootContext ctx)
    {
        if (ctx.Lease is not { } lease) return;
        if (!net.FlushAtSwitch)
        {
            ctx.Log.Info($"network: {lease.Interface} stays configured ({lease.Address}/{lease.Prefix}) for the live system");
            return;
        }
        try
        {
            using var rt = new RouteSocket();
            rt.DeleteAddress(lease.Index, lease.Interface, IPAddress.Parse(lease.Address), lease.Prefix);
            ctx.Log.Info($"network: flushed {lease.Address}/{lease.Prefix} from {lease.Interface}");
        }
        catch (IOException e) { ctx.Log.Warn($"cannot flush {lease.Interface}: {e.Message}"); }
    }
}
