using LiveInit.Boot;
using LiveInit.Boot.Steps;
using LiveInit.Boot.Writable;
using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Plan;

namespace LiveInit.Tests;

/// <summary>ISO files on disks (every dialect's parameters) and the live-boot dialect with persistence.conf.</summary>
public class LiveBootAndImageFileTests
{
    private static BootPlan Plan(string cmdline) => DialectSelector.Plan(KernelCommandLine.Parse(cmdline));
    private static bool Has(BootPlan p, Severity s, string param) =>
        p.Diagnostics.Any(d => d.Severity == s && d.Parameter == param);

    [Theory]
    [InlineData("img_dev=/dev/disk/by-uuid/AB-CD img_loop=/isos/sysrescue.iso archisobasedir=sysresccd archisolabel=R",
        "archiso (SystemRescue)", "img_dev/img_loop", "UUID=AB-CD", "isos/sysrescue.iso", "/run/archiso/img_dev")]
    [InlineData("img_label=DATA img_loop=arch.iso archisolabel=ARCH", "archiso", "img_dev/img_loop", "LABEL=DATA",
        "arch.iso", "/run/archiso/img_dev")]
    [InlineData("isoloop=/boot/sysrcd.iso", "sysresccd5", "isoloop", null, "boot/sysrcd.iso", "/livemnt/isoloop")]
    [InlineData("root=live:CDLABEL=Fedora iso-scan/filename=/iso/f.iso rd.live.image", "dracut", "iso-scan/filename",
        null, "iso/f.iso", "/run/initramfs/isoscan")]
    [InlineData("iso-scan/filename=/iso/f.iso rd.live.image", "dracut", "iso-scan/filename", null, "iso/f.iso",
        "/run/initramfs/isoscan")]
    [InlineData("boot=live findiso=/debian/live.iso", "live-boot", "findiso", null, "debian/live.iso",
        "/run/live/findiso")]
    [InlineData("fromiso=/antiX/antiX.iso blabel=DATA", "antix", "fromiso", "LABEL=DATA", "antiX/antiX.iso",
        "/live/iso-dev")]
    [InlineData("fromiso=antiX.iso from=hd", "antix", "fromiso", null, "antiX.iso", "/live/iso-dev")]
    public void EveryDialectBootsAnImageFileWithItsOwnParameters(string cmdline, string dialect, string parameter,
        string? host, string path, string hostMount)
    {
        var p = Plan(cmdline);
        Assert.Equal(dialect, p.Dialect);
        var f = Assert.IsType<ImageFilePlan>(p.ImageFile);
        Assert.Equal(parameter, f.Parameter);
        Assert.Equal(host, f.Host?.ToString());
        Assert.Equal(path, f.FilePath);
        Assert.Equal(hostMount, f.HostMountPoint);
        Assert.Null(p.Medium.Device);
        Assert.Null(p.Medium.SearchFile);
        Assert.DoesNotContain(p.Diagnostics, d => d.Severity == Severity.Error);
        var steps = BootSequence.For(p);
        Assert.Contains(steps, s => s is OpenImageFile);
        Assert.DoesNotContain(steps, s => s is FindMedium);
        Assert.Contains("loop-attached read-only", PlanText.Render(p, steps.Select(s => s.Describe()).ToList()));
    }

    [Theory]
    [InlineData("root=live:CDLABEL=Fedora-40 iso-scan/filename=/f.iso rd.live.image", "LABEL=Fedora-40")]
    [InlineData("root=live:/dev/disk/by-label/ISO iso-scan/filename=/f.iso rd.live.image", "LABEL=ISO")]
    [InlineData("root=live:UUID=2024-01-01-00-00-00-00 iso-scan/filename=/f.iso rd.live.image",
        "UUID=2024-01-01-00-00-00-00")]
    [InlineData("root=live:/dev/sr0 iso-scan/filename=/f.iso rd.live.image", null)]
    [InlineData("iso-scan/filename=/f.iso rd.live.image", null)]
    public void IsoScanKeepsTheMediumNamedByRootAsWhatTheImageMustBe(string cmdline, string? expect)
    {
        var p = Plan(cmdline);
        Assert.Equal(expect, p.ImageFile!.Expect?.ToString());
        var text = PlanText.Render(p, BootSequence.For(p).Select(s => s.Describe()).ToList());
        if (expect is null) Assert.DoesNotContain("must be", text);
        else
        {
            Assert.Contains($"and it must be {expect}", text);
            Assert.Contains($"check that the image is {expect} (root=)", text);
        }
    }

    [Theory]
    [InlineData("archisolabel=A img_loop=/a.iso", "img_loop")]
    [InlineData("archisolabel=A img_dev=/dev/sdb1", "img_dev")]
    [InlineData("archisolabel=A img_dev=/dev/sdb1 img_loop=../../etc/shadow", "img_loop")]
    [InlineData("rd.live.image root=live:LABEL=X iso-scan/filename=", "iso-scan/filename")]
    [InlineData("boot=live findiso=/a/../../b.iso", "findiso")]
    public void AHalfOrBadImageFileIsAnErrorAndNoImageFile(string cmdline, string parameter)
    {
        var p = Plan(cmdline);
        Assert.True(Has(p, Severity.Error, parameter), string.Join("\n", p.Diagnostics));
        Assert.Null(p.ImageFile);
    }

    [Fact]
    public void ArchisoImageFileKeepsItsFlagsAndPersistenceBesideIt()
    {
        var p = Plan("img_dev=/dev/vdb1 img_loop=/a.iso img_flags=noatime archisolabel=A cow_device=/dev/vdb2");
        Assert.Equal("noatime", p.ImageFile!.HostOptions);
        var d = Assert.IsType<DirectoryUpper>(p.Writable);
        Assert.Equal("/dev/vdb2", d.Device.ToString());
    }

    [Fact]
    public void AntixFromIsoRefusesRemasterAndPersistenceFiles()
    {
        var p = Plan("fromiso=/antiX.iso blabel=DATA persist_all");
        Assert.Equal(RemasterAction.None, p.Remaster.Action);
        Assert.IsType<RamUpper>(p.Writable);
        Assert.Null(p.Home);
        Assert.True(Has(p, Severity.Warning, "fromiso"));
        Assert.Contains(p.Diagnostics, d => d.Message.Contains("frugal install"));
    }

    [Fact]
    public void LiveBootDefaults()
    {
        var p = Plan("boot=live");
        Assert.Equal("live-boot", p.Dialect);
        Assert.Equal("live/filesystem.squashfs", p.Medium.SearchFile);
        Assert.Equal(ScanScope.All, p.Medium.Scope);
        Assert.Equal("/run/live/medium", p.Medium.MountPoint);
        Assert.Equal(["live/filesystem.squashfs"], p.Image.Candidates);
        Assert.Equal(ImageCopy.No, p.Image.CopyToRam);
        Assert.IsType<RamUpper>(p.Writable);
        Assert.Equal(new SrmPlan(true, "live", ".squashfs", "/run/live/rootfs", LastOnTop: true), p.Srm);
        Assert.Empty(p.Diagnostics);
    }

    [Theory]
    [InlineData("boot=live live-media=/dev/sdb1", "/dev/sdb1")]
    [InlineData("boot=live bootfrom=sdc1", "/dev/sdc1")]
    [InlineData("boot=live live-media=LABEL=DEBLIVE", "LABEL=DEBLIVE")]
    [InlineData("boot=live live-media-label=DEBLIVE", "LABEL=DEBLIVE")]
    public void LiveBootMediumByDevice(string cmdline, string device)
    {
        var p = Plan(cmdline);
        Assert.Equal(device, p.Medium.Device?.ToString());
        Assert.Null(p.Medium.SearchFile);
    }

    [Fact]
    public void LiveBootOptions()
    {
        var p = Plan("boot=live live-media=removable live-media-path=/kali toram persistence persistence-label=a,b "
                     + "persistence-read-only live-media-timeout=9");
        Assert.Equal(ScanScope.Removable, p.Medium.Scope);
        Assert.Equal("kali/filesystem.squashfs", p.Medium.SearchFile);
        Assert.Equal(ImageCopy.Yes, p.Image.CopyToRam);
        Assert.Equal(9, p.Medium.WaitSeconds);
        var w = Assert.IsType<LiveBootPersistence>(p.Writable);
        Assert.Equal(["a", "b"], w.Labels);
        Assert.True(w.ReadOnly);
        Assert.Equal("", w.FileFolder);
        var f = Assert.IsType<LiveBootPersistence>(Plan("boot=live persistence persistence-path=/live/p/").Writable);
        Assert.Equal("live/p", f.FileFolder);
        var bad = Plan("boot=live persistence persistence-path=/../x");
        Assert.True(Has(bad, Severity.Error, "persistence-path"));
        Assert.Equal("", Assert.IsType<LiveBootPersistence>(bad.Writable).FileFolder);
        Assert.Contains(BootSequence.For(p), s => s is MountPersistentPaths);
    }

    [Fact]
    public void NoPersistenceWinsAndBootOtherThanLiveIsNotAClaim()
    {
        var p = Plan("boot=live persistence nopersistence");
        Assert.IsType<RamUpper>(p.Writable);
        Assert.True(Has(p, Severity.Warning, "persistence"));
        Assert.Equal("live-boot", Plan("boot=live persistence").Dialect);
        Assert.Equal("detect", Plan("boot=casper").Dialect);   // no claim: layout detection
        Assert.Equal("archiso", Plan("boot=live archisolabel=X").Dialect);
        Assert.Equal("live-boot", Plan("liveinit.dialect=live-boot").Dialect);
    }

    [Fact]
    public void PersistenceConfRootAndHome()
    {
        var c = PersistenceConf.Parse("# Debian Live\n/ union\n\n/home bind,source=homes/me\n/var/cache link\r\n");
        Assert.Empty(c.Problems);
        Assert.Equal(3, c.Entries.Count);
        Assert.Equal(new PersistenceEntry("/", "", PersistenceMode.Union, 2), c.Root);
        Assert.Equal(new PersistenceEntry("/home", "homes/me", PersistenceMode.Bind, 4), c.Entries[1]);
        Assert.Equal(new PersistenceEntry("/var/cache", "var/cache", PersistenceMode.Link, 5), c.Entries[2]);
        Assert.Equal(PersistenceMode.Bind, PersistenceConf.Parse("/opt").Entries[0].Mode);
        Assert.Equal(PersistenceMode.Union, PersistenceConf.Parse("/opt bind,link,union").Entries[0].Mode);
        Assert.Equal("", PersistenceConf.Parse("/opt source=.").Entries[0].Source);
        Assert.Equal("a/b", PersistenceConf.Parse("//opt//x source=a//b/").Entries[0].Source);
        Assert.Equal("/opt/x", PersistenceConf.Parse("//opt//x").Entries[0].Destination);
    }

    [Theory]
    [InlineData("home union", "absolute")]
    [InlineData("/home/../etc union", "'..'")]
    [InlineData("/./etc", "'..'")]
    [InlineData("/lib union", "/lib")]
    [InlineData("/lib/modules", "/lib")]
    [InlineData("/run/live/medium bind", "/run/live")]
    [InlineData("/home union,sparkle", "unknown option 'sparkle'")]
    [InlineData("/home source=/etc", "source=")]
    [InlineData("/home source=../x", "source=")]
    [InlineData("/home source=a/../../x", "source=")]
    [InlineData("/ho,me union", "overlayfs")]
    [InlineData("/home source=a:b", "overlayfs")]
    [InlineData("/home\u001b[2J union", "control")]
    [InlineData("/ link", "root cannot be a link")]
    [InlineData("/home union extra", "more than")]
    public void PersistenceConfBadLinesAreSkippedWithTheirReason(string line, string why)
    {
        var c = PersistenceConf.Parse($"/ union\n{line}\n/srv bind\n");
        Assert.Equal(["/", "/srv"], c.Entries.Select(e => e.Destination));
        var problem = Assert.Single(c.Problems);
        Assert.Contains("line 2", problem);
        Assert.Contains(why, problem);
        Assert.DoesNotContain('\u001b', problem);
    }

    [Fact]
    public void PersistenceConfDuplicatesNestingAndBounds()
    {
        var c = PersistenceConf.Parse("/home\n/home union\n/srv source=home/x\n/opt source=data\n");
        Assert.Equal(["/home", "/opt"], c.Entries.Select(e => e.Destination));
        Assert.Equal(2, c.Problems.Count);
        Assert.Contains("already names /home", c.Problems[0]);
        Assert.Contains("nested", c.Problems[1]);

        var many = string.Join("\n", Enumerable.Range(0, 500).Select(i => $"/d{i}"));
        var m = PersistenceConf.Parse(many);
        Assert.Equal(PersistenceConf.MaxEntries, m.Entries.Count);
        Assert.Contains(m.Problems, p => p.Contains("more than"));

        var big = PersistenceConf.Parse(new string('#', PersistenceConf.MaxBytes + 10) + "\n/ union");
        Assert.Empty(big.Entries);
        Assert.Contains(big.Problems, p => p.Contains("larger than"));
        var longLine = PersistenceConf.Parse("/" + new string('a', PersistenceConf.MaxLineLength + 1));
        Assert.Empty(longLine.Entries);
    }
}
