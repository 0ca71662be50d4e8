using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Plan;

namespace LiveInit.Tests;

/// <summary>archiso's archiso_nfs_srv= (archiso_pxe_nfs) mapped into the plan, and the mount(2) option string
/// for the kernel's NFSv4 client.</summary>
public class NfsPlanTests
{
    private static BootPlan Plan(string cmdline) => DialectSelector.Plan(KernelCommandLine.Parse(cmdline));

    [Fact]
    public void ExportIsTheMediumCopiedToRamByDefault()
    {
        var p = Plan("ip=dhcp archiso_nfs_srv=10.0.2.2:/export/ archiso_nfs_opt=port=20490 checksum");
        Assert.Equal("archiso", p.Dialect);
        Assert.Equal("10.0.2.2:/export", p.Nfs!.ToString());   // the trailing '/' dropped
        Assert.Equal("port=20490", p.Nfs.Extra);
        Assert.Equal(["4.2", "4.1", "4.0"], p.Nfs!.Versions);
        Assert.Equal(ArchisoDialect.BootMount, p.Medium.MountPoint);
        Assert.Null(p.Medium.Device);
        Assert.Null(p.Medium.SearchFile);
        Assert.Equal(ImageCopy.Yes, p.Image.CopyToRam);             // archiso_pxe_nfs: copytoram unless =n
        Assert.Equal("arch/x86_64/airootfs.sha512", p.Image.ChecksumFile);
        Assert.Null(p.Net!.Image);
        Assert.True(p.Net.FlushAtSwitch);                           // copied: archiso_pxe_common flushes
        Assert.False(p.HasErrors);
        var steps = LiveInit.Boot.BootSequence.For(p).Select(s => s.GetType().Name).ToList();
        Assert.Equal(["MountKernelFilesystems", "LoadDrivers", "NetworkUp", "MountNfs", "CopyImageToRam",
            "VerifyChecksum", "MountImage", "PrepareWritable", "AssembleRoot", "ReleaseMedium", "HandOverNetwork",
            "SwitchRoot"], steps);
    }

    [Fact]
    public void CopyToRamNoKeepsTheNetworkForTheRoot()
    {
        var p = Plan("ip=dhcp archiso_nfs_srv=${pxeserver}:/srv/arch copytoram=n archisobasedir=sysresccd");
        Assert.Equal("${pxeserver}", p.Nfs!.Host);
        Assert.Equal(ImageCopy.No, p.Image.CopyToRam);
        Assert.False(p.Net!.FlushAtSwitch);
        Assert.DoesNotContain(LiveInit.Boot.BootSequence.For(p), s => s is LiveInit.Boot.Steps.ReleaseMedium);
    }

    [Fact]
    public void OptionStringAndExplain()
    {
        var nfs = new NfsSource("10.0.2.2", "/export", NfsSource.DefaultVersions, "port=2050,timeo=50");
        Assert.Equal("vers=4.2,addr=10.0.2.2,clientaddr=10.0.2.15,port=2050,timeo=50",
            nfs.Options("4.2", "10.0.2.2", "10.0.2.15"));
        Assert.Equal("vers=4.0,addr=1.2.3.4,clientaddr=5.6.7.8",
            (nfs with { Extra = null }).Options("4.0", "1.2.3.4", "5.6.7.8"));
        var text = LiveInit.Cli.ExplainCommand.Render(
            KernelCommandLine.Parse("ip=dhcp archiso_nfs_srv=10.0.2.2:/export archiso_nfs_opt=port=2050"), "text");
        Assert.Contains("medium:    the NFS export 10.0.2.2:/export (NFSv4 in the kernel, mount(2) type nfs4, "
            + "vers=4.2 then 4.1 then 4.0, options vers=<v>,addr=<server>,clientaddr=<ours>,port=2050)", text);
        Assert.Contains("mount the NFS export 10.0.2.2:/export read-only at /run/archiso/bootmnt", text);
    }

    [Fact]
    public void NoIpMeansDhcpWithAWarning()
    {
        var p = Plan("archiso_nfs_srv=10.0.2.2:/export");
        Assert.Equal(IpMethod.Dhcp, p.Net!.Ip.Method);
        Assert.Contains(p.Diagnostics, d => d.Parameter == "ip" && d.Message.Contains("archiso_nfs_srv="));
    }

    [Theory]
    [InlineData("archiso_nfs_srv=10.0.2.2", "archiso_nfs_srv", "host:/path")]
    [InlineData("archiso_nfs_srv=10.0.2.2:export", "archiso_nfs_srv", "absolute")]
    [InlineData("archiso_nfs_srv=10.0.2.2:/a/../etc", "archiso_nfs_srv", "'..'")]
    [InlineData("archiso_nfs_srv=10.0.2.2:/a,b", "archiso_nfs_srv", "commas")]
    [InlineData("archiso_nfs_srv=bad_host!:/a", "archiso_nfs_srv", "host")]
    [InlineData("archiso_nfs_srv=", "archiso_nfs_srv", "no value")]
    public void BadServersAreRefusedByName(string arg, string key, string why)
    {
        var p = Plan("ip=dhcp archisolabel=X " + arg);
        Assert.Null(p.Nfs);
        Assert.Contains(p.Diagnostics, d => d.Parameter == key && d.Severity == Severity.Error && d.Message.Contains(why));
    }

    [Fact]
    public void OptionsVersionsAndReservedWords()
    {
        var p = Plan("ip=dhcp archiso_nfs_srv=h:/e archiso_nfs_opt=vers=4.1,port=2049,addr=9.9.9.9,rw,x;y");
        Assert.Equal(["4.1"], p.Nfs!.Versions);
        Assert.Equal("port=2049", p.Nfs.Extra);
        Assert.Contains(p.Diagnostics, d => d.Parameter == "archiso_nfs_opt" && d.Message.Contains("addr="));
        Assert.Contains(p.Diagnostics, d => d.Parameter == "archiso_nfs_opt" && d.Message.Contains("'rw'"));
        Assert.Contains(p.Diagnostics, d => d.Parameter == "archiso_nfs_opt" && d.Severity == Severity.Error
            && d.Message.Contains("x;y"));
        var v3 = Plan("ip=dhcp archiso_nfs_srv=h:/e archiso_nfs_opt=nfsvers=3");
        Assert.Equal(NfsSource.DefaultVersions, v3.Nfs!.Versions);
        Assert.Contains(v3.Diagnostics, d => d.Parameter == "archiso_nfs_opt" && d.Message.Contains("version 4"));
        Assert.Equal(["4.0"], Plan("ip=dhcp archiso_nfs_srv=h:/e archiso_nfs_opt=vers=4").Nfs!.Versions);
    }

    [Fact]
    public void HttpAndNbdWinOverNfs()
    {
        var p = Plan("ip=dhcp archiso_http_srv=http://h/ archiso_nfs_srv=h:/e");
        Assert.Null(p.Nfs);
        Assert.Contains(p.Diagnostics, d => d.Parameter == "archiso_nfs_srv" && d.Message.Contains("archiso_http_srv"));
        var q = Plan("ip=dhcp archiso_nbd_srv=h archiso_nfs_srv=h:/e");
        Assert.Null(q.Nfs);
        Assert.NotNull(q.Medium.Nbd);
    }
}
