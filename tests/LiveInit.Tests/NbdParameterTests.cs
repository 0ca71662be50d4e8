using LiveInit.Cli;
using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Plan;

namespace LiveInit.Tests;

/// <summary>archiso_nbd_srv=/archiso_nbd_name= and root=live:nbd://… into the plan; bad values named.</summary>
public class NbdParameterTests
{
    private static BootPlan Plan(string cmdline) => DialectSelector.Plan(KernelCommandLine.Parse(cmdline));

    [Theory]
    [InlineData("nbd://10.0.2.2:10810/live", "10.0.2.2", 10810, "live")]
    [InlineData("nbd://10.0.2.2/live", "10.0.2.2", 10809, "live")]
    [InlineData("nbd://server.example/", "server.example", 10809, "")]
    [InlineData("nbd://10.0.2.2", "10.0.2.2", 10809, "")]
    [InlineData("nbd://${pxeserver}:1234/a%20b", "${pxeserver}", 1234, "a b")]
    public void UrlsParse(string url, string host, int port, string export)
    {
        Assert.True(NbdParameters.TryUrl(url, out var s, out var err), err);
        Assert.Equal(new NbdSource(host, port, export), s);
    }

    [Theory]
    [InlineData("nbd://10.0.2.2:0/x", "port")]
    [InlineData("nbd://10.0.2.2:99999/x", "port")]
    [InlineData("nbd://10.0.2.2:abc/x", "port")]
    [InlineData("nbd:///x", "names no server")]
    [InlineData("nbd://bad_host!/x", "not an IPv4 address")]
    [InlineData("http://10.0.2.2/x", "is not nbd://")]
    [InlineData("nbd://10.0.2.2/a%0Ab", "control characters")]
    public void BadUrlsAreNamed(string url, string why)
    {
        Assert.False(NbdParameters.TryUrl(url, out _, out var err));
        Assert.Contains(why, err);
    }

    [Fact]
    public void ArchisoNbdServerMakesTheExportTheMediumAndCopiesToRam()
    {
        var p = Plan("ip=dhcp archiso_nbd_srv=10.0.2.2:10810 archisobasedir=arch");
        Assert.Equal("archiso", p.Dialect);
        Assert.Equal(new NbdSource("10.0.2.2", 10810, "archiso"), p.Medium.Nbd);
        Assert.Equal(new DeviceSpec(DeviceSpecKind.Path, "/dev/nbd0"), p.Medium.Device);
        Assert.Equal(ImageCopy.Yes, p.Image.CopyToRam);   // archiso_pxe_nbd: copytoram unless copytoram=n
        Assert.DoesNotContain(p.Diagnostics, d => d.Severity == Severity.Error);
        var n = Plan("ip=dhcp archiso_nbd_srv=10.0.2.2 archiso_nbd_name=rescue copytoram=n");
        Assert.Equal(new NbdSource("10.0.2.2", 10809, "rescue"), n.Medium.Nbd);
        Assert.Equal(ImageCopy.No, n.Image.CopyToRam);
        var bad = Plan("archiso_nbd_srv=10.0.2.2:x archisolabel=L");
        Assert.Null(bad.Medium.Nbd);
        Assert.Contains(bad.Diagnostics, d => d.Parameter == "archiso_nbd_srv" && d.Severity == Severity.Error);
        Assert.Contains(Plan("archisolabel=L archiso_nbd_name=x").Diagnostics, d => d.Parameter == "archiso_nbd_name");
    }

    [Fact]
    public void DracutLiveNbdRootIsTheExportAndExplainSaysSo()
    {
        var p = Plan("root=live:nbd://10.0.2.2:10810/live ip=dhcp");
        Assert.DoesNotContain(p.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Contains(Plan("root=live:nbd://10.0.2.2/live").Diagnostics, d => d.Message.Contains("needs ip="));
        Assert.Equal("dracut", p.Dialect);
        Assert.Equal(new NbdSource("10.0.2.2", 10810, "live"), p.Medium.Nbd);
        Assert.Equal(ImageCopy.No, p.Image.CopyToRam);
        var text = ExplainCommand.Render(KernelCommandLine.Parse("root=live:nbd://10.0.2.2:10810/live"), "text");
        Assert.Contains("medium:    the NBD export nbd://10.0.2.2:10810/live as /dev/nbd0", text);
        Assert.Contains("connect nbd://10.0.2.2:10810/live (NBD newstyle handshake", text);
        var bad = Plan("root=live:nbd://10.0.2.2:0/live");
        Assert.Null(bad.Medium.Nbd);
        Assert.Contains(bad.Diagnostics, d => d.Parameter == "root" && d.Message.Contains("port"));
    }
}
