using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Plan;

namespace LiveInit.Tests;

/// <summary>live-boot's fetch=URL mapped into the network plan (live-boot's do_httpmount semantics).</summary>
public class LiveBootFetchTests
{
    private static BootPlan Plan(string cmdline) => DialectSelector.Plan(KernelCommandLine.Parse(cmdline));

    [Fact]
    public void SquashfsUrlIsFetchedIntoRamAsTheOnlyImage()
    {
        var p = Plan("boot=live fetch=http://10.0.2.2:8080/live/filesystem.squashfs ip=dhcp persistence");
        Assert.Equal("live-boot", p.Dialect);
        var img = p.Net!.Image!;
        Assert.Equal("http://10.0.2.2:8080/live/filesystem.squashfs", img.Url);
        Assert.Equal(NetImageKind.Squashfs, img.Kind);
        Assert.Equal(LiveBootDialect.BootMount, img.RamDir);
        Assert.False(p.Net.FlushAtSwitch);             // live-boot leaves the network configured
        Assert.Equal(IpMethod.Dhcp, p.Net.Ip.Method);
        Assert.Null(p.Medium.Device);
        Assert.Null(p.Medium.SearchFile);
        Assert.False(p.Srm.Enabled);                   // only the fetched squashfs, as live-boot
        Assert.False(p.HasErrors);
        var steps = LiveInit.Boot.BootSequence.For(p).Select(s => s.GetType().Name).ToList();
        Assert.Equal(["MountKernelFilesystems", "LoadDrivers", "NetworkUp", "FetchImage", "MountImage",
            "PrepareWritable", "AssembleRoot", "MountPersistentPaths", "HandOverNetwork", "SwitchRoot"], steps);
        var text = LiveInit.Cli.ExplainCommand.Render(KernelCommandLine.Parse(
            "boot=live fetch=http://10.0.2.2/live/filesystem.squashfs"), "text");
        Assert.Contains("image http://10.0.2.2/live/filesystem.squashfs over HTTP into RAM at /run/live/medium\n",
            text);
    }

    [Fact]
    public void IsoUrlThreeSlashesStaticIpAndMediaPath()
    {
        var p = Plan("boot=live live-media-path=/os fetch=http:///img/debian.iso "
            + "ip=10.0.2.15:10.0.2.2:10.0.2.2:255.255.255.0::eth0:off findiso=/x.iso");
        var img = p.Net!.Image!;
        Assert.Equal("http://${pxeserver}/img/debian.iso", img.Url);   // live-boot's ROOTSERVER
        Assert.Equal(NetImageKind.Iso, img.Kind);
        Assert.Equal("os/filesystem.squashfs", img.IsoInnerPath);
        Assert.Equal(LiveBootDialect.BootMount, img.IsoMountPoint);
        Assert.Equal(IpMethod.Static, p.Net.Ip.Method);
        Assert.Equal("10.0.2.2", p.Net.Ip.Server);
        Assert.Null(p.ImageFile);                                      // fetch= wins over findiso=
        Assert.Contains(p.Diagnostics, d => d.Parameter == "findiso" && d.Severity == Severity.Warning);
    }

    [Fact]
    public void NoIpMeansDhcpWithAWarning()
    {
        var p = Plan("boot=live fetch=http://h/live/filesystem.squashfs");
        Assert.Equal(IpMethod.Dhcp, p.Net!.Ip.Method);
        Assert.Contains(p.Diagnostics, d => d.Parameter == "ip" && d.Message.Contains("fetch="));
    }

    [Theory]
    [InlineData("fetch=http://h/live/root.tgz", "not supported")]
    [InlineData("fetch=tftp://h/live/filesystem.squashfs", "tftp")]
    [InlineData("fetch=", "no value")]
    public void UnsupportedFormsAreRefusedByName(string arg, string why)
    {
        var p = Plan("boot=live " + arg);
        Assert.Null(p.Net?.Image);
        Assert.Contains(p.Diagnostics, d => d.Parameter == "fetch" && d.Severity == Severity.Error
            && d.Message.Contains(why, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void OtherExtensionsWarnAndAreFetched()
    {
        var p = Plan("boot=live fetch=http://h/live/root.img ip=dhcp");
        Assert.NotNull(p.Net!.Image);
        Assert.Contains(p.Diagnostics, d => d.Parameter == "fetch" && d.Severity == Severity.Warning);
    }
}
