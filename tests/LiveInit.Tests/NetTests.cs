using System.Net;
using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Net;
using LiveInit.Plan;

namespace LiveInit.Tests;

/// <summary>The network parameters, DHCP and DNS messages and the lease files, pure.</summary>
public class NetTests
{
    private static (IpPlan? Ip, Diagnostics D) Ip(string cmdline, bool needed = false)
    {
        var d = new Diagnostics();
        return (NetParameters.Ip(KernelCommandLine.Parse(cmdline), d, needed, "the image"), d);
    }

    [Theory]
    [InlineData("ip=dhcp", "Dhcp", null, null, 0, null)]
    [InlineData("ip=on", "Dhcp", null, null, 0, null)]
    [InlineData("ip=eth1:dhcp", "Dhcp", "eth1", null, 0, null)]
    [InlineData("ip=:::::ens3:dhcp", "Dhcp", "ens3", null, 0, null)]
    [InlineData("ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:none", "Static", "eth0", "10.0.2.15", 24, "10.0.2.2")]
    [InlineData("ip=192.168.1.9:192.168.1.1:192.168.1.1:16:box:eth0:off", "Static", "eth0", "192.168.1.9", 16, "192.168.1.1")]
    [InlineData("ip=10.1.2.3", "Static", null, "10.1.2.3", 8, null)]
    public void IpForms(string cmdline, string method, string? dev, string? addr, int prefix, string? gw)
    {
        var (ip, d) = Ip(cmdline);
        Assert.NotNull(ip);
        Assert.Empty(d.Items);
        Assert.Equal(method, ip!.Method.ToString());
        Assert.Equal(dev, ip.Device);
        Assert.Equal(addr, ip.Address);
        if (addr is not null) Assert.Equal(prefix, ip.Prefix);
        Assert.Equal(gw, ip.Gateway);
    }

    [Fact]
    public void StaticDnsServersAndPxeServer()
    {
        var (ip, _) = Ip("ip=10.0.2.15:10.0.2.2:10.0.2.2:255.255.255.0:host:eth0:none:10.0.2.3:1.1.1.1");
        Assert.Equal(["10.0.2.3", "1.1.1.1"], ip!.Dns);
        Assert.Equal("10.0.2.2", ip.Server);
        Assert.Equal("host", ip.Hostname);
    }

    [Theory]
    [InlineData("ip=10.0.2.999::::::none", "ip")]
    [InlineData("ip=10.0.2.15:::255.0.255.0::eth0:none", "ip")]
    [InlineData("ip=dhcp BOOTIF=01-zz-00-00-00-00-00", "BOOTIF")]
    [InlineData("ip=dhcp rd.net.timeout.dhcp=forever", "rd.net.timeout.dhcp")]
    public void BadValuesAreNamedWithTheirFallback(string cmdline, string param)
    {
        var (ip, d) = Ip(cmdline);
        Assert.NotNull(ip);
        Assert.Contains(d.Items, x => x.Severity == Severity.Error && x.Parameter == param);
    }

    [Fact]
    public void BootIfPicksTheMacAndOffMeansNoNetworkUnlessNeeded()
    {
        var (ip, _) = Ip("ip=dhcp BOOTIF=01-52-54-00-AB-CD-EF");
        Assert.Equal("52:54:00:ab:cd:ef", ip!.BootIfMac);
        Assert.Null(Ip("ip=off").Ip);
        Assert.Null(Ip("quiet").Ip);
        var (needed, d) = Ip("quiet", needed: true);
        Assert.Equal(IpMethod.Dhcp, needed!.Method);
        Assert.Contains(d.Items, x => x.Parameter == "ip" && x.Severity == Severity.Warning);
    }

    [Fact]
    public void IpAloneAddsABringUpToAnyDialectWithoutWarnings()
    {
        var p = DialectSelector.Plan(KernelCommandLine.Parse("archisolabel=X ip=dhcp BOOTIF=01-52-54-00-12-34-56"));
        Assert.NotNull(p.Net);
        Assert.Null(p.Net!.Image);
        Assert.DoesNotContain(p.Diagnostics, d => d.Parameter is "ip" or "BOOTIF");
        var steps = LiveInit.Boot.BootSequence.For(p).Select(s => s.Describe()).ToList();
        Assert.Contains(steps, s => s.Contains("bring up the network on the interface with MAC 52:54:00:12:34:56"));
        Assert.Null(DialectSelector.Plan(KernelCommandLine.Parse("archisolabel=X")).Net);
    }

    [Fact]
    public void DhcpRoundTrip()
    {
        var mac = new byte[] { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
        var discover = DhcpMessage.Build(DhcpType.Discover, 0x1234abcd, mac, 3);
        Assert.Equal(300, discover.Length);
        Assert.Equal(0x80, discover[10]);   // broadcast flag
        // a server's answer: the request turned into a BOOTREPLY with options
        var reply = (byte[])discover.Clone();
        reply[0] = 2;
        new byte[] { 10, 0, 2, 15 }.CopyTo(reply, 16);
        new byte[] { 10, 0, 2, 2 }.CopyTo(reply, 20);
        var opts = new byte[] { 53, 1, 2, 1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 2, 2, 6, 8, 10, 0, 2, 3, 8, 8, 8, 8,
            54, 4, 10, 0, 2, 2, 51, 4, 0, 0, 0x0e, 0x10, 255 };
        Array.Clear(reply, 240, reply.Length - 240);
        opts.CopyTo(reply, 240);
        var r = DhcpMessage.Parse(reply, 0x1234abcd, mac)!;
        Assert.Equal(DhcpType.Offer, r.Type);
        Assert.Equal("10.0.2.15", r.YourAddress.ToString());
        Assert.Equal(24, r.Prefix);
        Assert.Equal("10.0.2.2", r.Router!.ToString());
        Assert.Equal(["10.0.2.3", "8.8.8.8"], r.Dns.Select(a => a.ToString()));
        Assert.Equal(3600u, r.LeaseSeconds);
        Assert.Null(DhcpMessage.Parse(reply, 0x1234abce, mac));   // another xid
        Assert.Null(DhcpMessage.Parse(reply.AsSpan(0, 200), 0x1234abcd, mac));   // truncated
        Assert.Null(DhcpClient.Unusable(r));
        Assert.Contains("unicast", DhcpClient.Unusable(r with { YourAddress = IPAddress.Parse("224.0.0.1") }));
        Assert.Contains("unicast", DhcpClient.Unusable(r with { YourAddress = IPAddress.Any }));
        Assert.Contains("netmask", DhcpClient.Unusable(r with { Prefix = 0 }));
        Assert.Contains("router", DhcpClient.Unusable(r with { Router = IPAddress.Parse("10.0.2.15") }));
        reply[241] = 200;   // an option longer than the packet
        Assert.Null(DhcpMessage.Parse(reply, 0x1234abcd, mac));
    }

    [Fact]
    public void DnsAnswerWithCnameAndCompression()
    {
        var q = DnsQuery.Build(0x4242, "boot.example.org");
        var a = new List<byte>(q);
        a[2] = 0x81; a[3] = 0x80; a[7] = 2;   // response, two answers
        a.AddRange([0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 17]);   // CNAME -> example.org (pointer)
        a.AddRange([0xc0, 17, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 2, 2]);   // A 10.0.2.2
        var found = DnsQuery.Parse(a.ToArray(), 0x4242, out var rcode);
        Assert.Equal(0, rcode);
        Assert.Equal(["10.0.2.2"], found!.Select(x => x.ToString()));
        Assert.Null(DnsQuery.Parse(a.ToArray(), 0x4243, out _));
        Assert.Throws<FormatException>(() => DnsQuery.Build(1, "bad name;rm"));
    }

    [Fact]
    public void LeaseEnvIsShellSafe()
    {
        var lease = new NetLease("eth0", 2, "52:54:00:12:34:56", "dhcp", "10.0.2.15", 24, "10.0.2.2", ["10.0.2.3"],
            "10.0.2.2", null, "a'b;$(reboot)", null, 86400);
        var env = lease.ToEnv();
        Assert.Contains("IPADDR='10.0.2.15'\n", env);
        Assert.Contains("NETMASK='255.255.255.0'\n", env);
        Assert.Contains("HOSTNAME='ab;$(reboot)'\n", env);   // single-quoted: no expansion, no quote inside
        Assert.Equal("10.255.255.255", Ipv4.Broadcast(IPAddress.Parse("10.1.2.3"), 8).ToString());
    }
}
