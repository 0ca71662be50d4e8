using LiveInit.Boot;
using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Plan;

namespace LiveInit.Tests;

public class DialectTests
{
    private static BootPlan Plan(string cmdline) => DialectSelector.Plan(KernelCommandLine.Parse(cmdline));
    private static bool HasError(BootPlan p, string param) => p.Diagnostics.Any(d => d.Severity == Severity.Error && d.Parameter == param);
    private static bool HasWarning(BootPlan p, string param) => p.Diagnostics.Any(d => d.Severity == Severity.Warning && d.Parameter == param);

    [Fact]
    public void SystemRescueIssueExample()
    {
        var p = Plan("archisobasedir=sysresccd archisolabel=RESCUE cow_label=\"my persist\" loadsrm");
        Assert.Equal(new DeviceSpec(DeviceSpecKind.Label, "RESCUE"), p.Medium.Device);
        Assert.Equal("sysresccd/x86_64/airootfs.sfs", p.Image.Candidates[0]);
        Assert.True(p.Srm.Enabled);
        Assert.Equal("sysresccd", p.Srm.Directory);
        var d = Assert.IsType<DirectoryUpper>(p.Writable);
        Assert.Equal(new DeviceSpec(DeviceSpecKind.Label, "my persist"), d.Device);
        Assert.Equal("persistent_RESCUE/x86_64/upperdir", d.UpperDir);
        Assert.Equal("persistent_RESCUE/x86_64/workdir", d.WorkDir);
        Assert.Equal("/run/archiso/cowspace", d.MountPoint);
        Assert.Equal("/run/archiso/bootmnt", p.Medium.MountPoint);
        Assert.Equal(25, d.RamSize.Percent);
        Assert.Empty(p.Diagnostics);
    }

    [Fact]
    public void ArchisoDefaults()
    {
        var p = Plan("archisolabel=ARCH_202401");
        Assert.Equal("archiso", p.Dialect);
        Assert.Equal(["arch/x86_64/airootfs.sfs", "arch/x86_64/airootfs.erofs"], p.Image.Candidates);
        var r = Assert.IsType<RamUpper>(p.Writable);
        Assert.Equal(256L << 20, r.RamSize.Bytes);
        Assert.False(p.Srm.Enabled);
        Assert.Equal(ImageCopy.Auto, p.Image.CopyToRam);
        Assert.Null(p.Image.ChecksumFile);
        Assert.Equal(30, p.Medium.WaitSeconds);
        Assert.Equal(FailureAction.Shell, p.Failure.Action);
    }

    [Fact]
    public void ArchisoCowDirectoryDefaultUsesLabelAndArch()
    {
        var p = Plan("archisolabel=X arch=i686 cow_device=/dev/disk/by-uuid/1234-ABCD");
        var d = Assert.IsType<DirectoryUpper>(p.Writable);
        Assert.Equal(new DeviceSpec(DeviceSpecKind.Uuid, "1234-ABCD"), d.Device);
        Assert.Equal("persistent_X/i686/upperdir", d.UpperDir);
    }

    [Theory]
    [InlineData("cow_spacesize=4G", 4L << 30, 0)]
    [InlineData("cow_spacesize=512M", 512L << 20, 0)]
    [InlineData("cow_spacesize=75%", 0, 75)]
    [InlineData("cow_spacesize=1048576", 1048576, 0)]
    public void CowSpaceSizes(string param, long bytes, int percent)
    {
        var r = Assert.IsType<RamUpper>(Plan("archisolabel=A " + param).Writable);
        Assert.Equal(bytes, r.RamSize.Bytes);
        Assert.Equal(percent, r.RamSize.Percent);
    }

    [Theory]
    [InlineData("cow_spacesize=banana", "cow_spacesize")]
    [InlineData("cow_spacesize=0", "cow_spacesize")]
    [InlineData("cow_spacesize=150%", "cow_spacesize")]
    [InlineData("cow_spacesize=-5M", "cow_spacesize")]
    public void BadSizesAreErrorsWithDefaultFallback(string param, string name)
    {
        var p = Plan("archisolabel=A " + param);
        Assert.True(HasError(p, name));
        Assert.Equal(256L << 20, p.Writable.RamSize.Bytes);
    }

    [Theory]
    [InlineData("cow_directory=../../etc")]
    [InlineData("cow_directory=/persist")]
    [InlineData("cow_directory=a/../../b")]
    [InlineData("cow_directory=")]
    public void BadCowDirectoryFallsBackToDefault(string param)
    {
        var p = Plan("archisolabel=A cow_label=P " + param);
        Assert.True(HasError(p, "cow_directory"));
        Assert.Equal("persistent_A/x86_64/upperdir", Assert.IsType<DirectoryUpper>(p.Writable).UpperDir);
    }

    [Theory]
    [InlineData("cow_directory=a,lowerdir=/etc", "','")]
    [InlineData("cow_directory=a:b", "':'")]
    [InlineData("cow_directory=\"a\u001b[31mb\"", "control characters")]
    public void CowDirectoryThatOverlayfsWouldSplitIsAnErrorWithTheDefault(string param, string why)
    {
        var p = Plan("archisolabel=A cow_label=P " + param);
        var e = Assert.Single(p.Diagnostics, x => x.Severity == Severity.Error && x.Parameter == "cow_directory");
        Assert.Contains(why, e.Message);
        Assert.Contains("using 'persistent_A/x86_64'", e.Message);
        Assert.Equal("persistent_A/x86_64/upperdir", Assert.IsType<DirectoryUpper>(p.Writable).UpperDir);
    }

    [Theory]
    [InlineData("a/../../../x")]
    [InlineData("a/b")]
    [InlineData("x/..")]
    [InlineData("a,b")]
    [InlineData("a:b")]
    public void LabelDerivedCowDirectoryPassesTheSameCheckAndFallsBackToRam(string label)
    {
        var p = Plan($"archisolabel=\"{label}\" cow_label=P");
        Assert.True(HasWarning(p, "archisolabel"));
        Assert.True(HasWarning(p, "cow_label"));
        var r = Assert.IsType<RamUpper>(p.Writable);
        Assert.Equal("/run/archiso/cowspace", r.Ram.MountPoint);
        Assert.Equal("upperdir", r.Ram.UpperDir);   // at the top of its own tmpfs, never outside it
        // in RAM mode too: the upper must not be built from the label
        var ram = Assert.IsType<RamUpper>(Plan($"archisolabel=\"{label}\"").Writable);
        Assert.Equal("upperdir", ram.Ram.UpperDir);
        // a typed cow_directory is used instead, without a warning about the label
        var typed = Plan($"archisolabel=\"{label}\" cow_label=P cow_directory=store");
        Assert.False(HasWarning(typed, "archisolabel"));
        Assert.Equal("store/upperdir", Assert.IsType<DirectoryUpper>(typed.Writable).UpperDir);
    }

    [Fact]
    public void ArchisoRamUpperIsArchisosOwnPath()
    {
        var r = Assert.IsType<RamUpper>(Plan("archisobasedir=sysresccd archisolabel=RESCUE").Writable);
        Assert.Equal("/run/archiso/cowspace", r.Ram.MountPoint);
        Assert.Equal("persistent_RESCUE/x86_64/upperdir", r.Ram.UpperDir);
        Assert.Equal("persistent_RESCUE/x86_64/workdir", r.Ram.WorkDir);
        var typed = Assert.IsType<RamUpper>(Plan("archisolabel=A cow_directory=my/store").Writable);
        Assert.Equal("my/store/upperdir", typed.Ram.UpperDir);
        // persistence and its RAM fallback: the same archiso path, the fallback on a tmpfs of its own
        var d = Assert.IsType<DirectoryUpper>(Plan("archisolabel=RESCUE cow_label=P").Writable);
        Assert.Equal("persistent_RESCUE/x86_64/upperdir", d.Ram.UpperDir);
        Assert.Equal(d.MountPoint, d.Ram.MountPoint);
    }

    [Fact]
    public void EveryMountPointOfTheWritableLayerIsInThePlan()
    {
        var s = Assert.IsType<LoopFileUpper>(Plan("backstore=alldev").Writable);
        Assert.Equal("/run/liveinit/search", s.SearchMountPoint);
        Assert.Equal("/run/liveinit/store", s.DeviceMountPoint);
        Assert.Equal("/livemnt/memory", s.MountPoint);
        Assert.Equal("/run/liveinit/cow", s.Ram.MountPoint);
        var o = Assert.IsType<LiveOsOverlay>(Plan("root=live:LABEL=L rd.live.overlay=LABEL=P").Writable);
        Assert.Equal("/run/initramfs/overlayfs-device", o.DeviceMountPoint);
        Assert.Equal("/run/initramfs/overlay", o.Ram.SnapshotMountPoint);
        var text = LiveInit.Cli.ExplainCommand.Render(KernelCommandLine.Parse("backstore=alldev"), "text");
        Assert.Contains("looked into read-only at /run/liveinit/search", text);
        Assert.Contains("read-write at /run/liveinit/store", text);
        Assert.Contains("RAM (a tmpfs of its own, size 50% of RAM, upper /run/liveinit/cow/upperdir)", text);
        var json = LiveInit.Cli.ExplainCommand.Render(KernelCommandLine.Parse("archisolabel=A cow_label=P"), "json");
        Assert.Contains("\"mountPoint\": \"/run/archiso/cowspace\"", json);
        Assert.Contains("\"directory\": \"persistent_A/x86_64\"", json);
    }

    [Theory]
    [InlineData("rd.live.overlay=LABEL=P:/ovl,lowerdir=/etc", "','")]
    [InlineData("rd.live.overlay=LABEL=P:/ovl:x", "':'")]
    [InlineData("rd.live.overlay=LABEL=P:/../etc", "'..'")]
    public void DracutOverlayPathThatOverlayfsWouldSplitIsAnError(string param, string why)
    {
        var p = Plan("root=live:LABEL=L " + param);
        var e = Assert.Single(p.Diagnostics, x => x.Severity == Severity.Error && x.Parameter == "rd.live.overlay");
        Assert.Contains(why, e.Message);
        Assert.Contains("overlay-<LABEL>-<UUID>", e.Message);
        Assert.Null(Assert.IsType<LiveOsOverlay>(p.Writable).OverlayPath);
    }

    [Theory]
    [InlineData("LIVEOS", "4c1e0505", true, "LiveOS/overlay-LIVEOS-4c1e0505")]
    [InlineData(null, "4c1e0505", true, "LiveOS/overlay--4c1e0505")]
    [InlineData("a/../../../x", "u", false, null)]
    [InlineData("a/b", "u", false, null)]
    [InlineData("a,lowerdir=/etc", "u", false, null)]
    [InlineData("a\nb", "u", false, null)]
    [InlineData("L", "../..", false, null)]
    public void DracutDefaultOverlayFromTheOnDiskLabelPassesTheSameCheck(string? label, string uuid, bool ok,
        string? rel)
    {
        var usable = LiveInit.Boot.Writable.LiveOsOverlayStrategy.TryDefaultPath("LiveOS", label, uuid, out var r, out var err);
        Assert.Equal(ok, usable);
        if (ok) Assert.Equal(rel, r);
        else Assert.NotNull(err);
    }

    [Fact]
    public void GoodCowDirectoryIsNormalised()
    {
        var p = Plan("archisolabel=A cow_label=P cow_directory=./my//store/");
        Assert.Equal("my/store/upperdir", Assert.IsType<DirectoryUpper>(p.Writable).UpperDir);
    }

    [Theory]
    [InlineData("archisobasedir=../x")]
    [InlineData("archisobasedir=/abs")]
    public void BadBaseDirFallsBack(string param)
    {
        var p = Plan("archisolabel=A " + param);
        Assert.True(HasError(p, "archisobasedir"));
        Assert.StartsWith("arch/", p.Image.Candidates[0]);
    }

    [Fact]
    public void CowLabelWinsOverCowDevice()
    {
        var p = Plan("archisolabel=A cow_device=/dev/sdb1 cow_label=persist");
        Assert.Equal(DeviceSpec.ByLabel("persist"), Assert.IsType<DirectoryUpper>(p.Writable).Device);
        Assert.True(HasWarning(p, "cow_device"));
    }

    [Fact]
    public void ArchisoDeviceWinsOverLabel()
    {
        var p = Plan("archisolabel=A archisodevice=UUID=2024-01-01-00-00-00-00");
        Assert.Equal(new DeviceSpec(DeviceSpecKind.Uuid, "2024-01-01-00-00-00-00"), p.Medium.Device);
        Assert.True(HasWarning(p, "archisolabel"));
    }

    [Fact]
    public void ArchisoSearchUuidSearchesForTheFile()
    {
        var p = Plan("archisosearchuuid=2024-05-01-10-00-00-00");
        Assert.Null(p.Medium.Device);
        Assert.Equal("boot/2024-05-01-10-00-00-00.uuid", p.Medium.SearchFile);
    }

    [Fact]
    public void MissingLabelSearchesForTheImage()
    {
        var p = Plan("archisobasedir=sysresccd loadsrm");
        Assert.True(HasError(p, "archisolabel"));
        Assert.Equal("sysresccd/x86_64/airootfs.sfs", p.Medium.SearchFile);
    }

    [Theory]
    [InlineData("copytoram", ImageCopy.Yes)]
    [InlineData("copytoram=y", ImageCopy.Yes)]
    [InlineData("copytoram=n", ImageCopy.No)]
    [InlineData("copytoram=auto", ImageCopy.Auto)]
    public void CopyToRam(string param, ImageCopy expected) => Assert.Equal(expected, Plan("archisolabel=A " + param).Image.CopyToRam);

    [Theory]
    [InlineData("loadsrm", true)]
    [InlineData("loadsrm=y", true)]
    [InlineData("loadsrm=n", false)]
    public void LoadSrm(string param, bool on) => Assert.Equal(on, Plan("archisolabel=A " + param).Srm.Enabled);

    [Fact]
    public void LoadSrmBadValue()
    {
        var p = Plan("archisolabel=A loadsrm=maybe");
        Assert.False(p.Srm.Enabled);
        Assert.True(HasError(p, "loadsrm"));
    }

    [Fact]
    public void ChecksumFile() =>
        Assert.Equal("arch/x86_64/airootfs.sha512", Plan("archisolabel=A checksum=y").Image.ChecksumFile);

    [Fact]
    public void DracutDefaults()
    {
        var p = Plan("root=live:CDLABEL=Fedora-40 rd.live.image");
        Assert.Equal("dracut", p.Dialect);
        Assert.Equal(DeviceSpec.ByLabel("Fedora-40"), p.Medium.Device);
        Assert.Equal(["LiveOS/squashfs.img", "LiveOS/rootfs.img", "LiveOS/ext3fs.img"], p.Image.Candidates);
        Assert.Equal("/run/initramfs/live", p.Medium.MountPoint);
        var o = Assert.IsType<LiveOsOverlay>(p.Writable);
        Assert.Null(o.PersistentDevice);
        Assert.Equal(32768, o.Ram.SnapshotMiB);
        Assert.Contains("LiveOS/rootfs.img", p.Image.InnerRootfsImages);
        Assert.Equal("LiveOS/home.img", p.Home!.FilePath);
    }

    [Fact]
    public void DracutPersistentOverlayWithPath()
    {
        var p = Plan("root=live:UUID=abcd rd.live.dir=/Fedora rd.live.squashimg=rootfs.sfs rd.live.overlay=LABEL=DATA:/Fedora/ovl rd.live.overlay.overlayfs rd.live.overlay.size=1024 rd.live.ram rw");
        Assert.Equal(["Fedora/rootfs.sfs", "Fedora/rootfs.img", "Fedora/ext3fs.img"], p.Image.Candidates);
        var o = Assert.IsType<LiveOsOverlay>(p.Writable);
        Assert.Equal(DeviceSpec.ByLabel("DATA"), o.PersistentDevice);
        Assert.Equal("Fedora/ovl", o.OverlayPath);
        Assert.True(o.ForceOverlayfs);
        Assert.Equal(1024, o.Ram.SnapshotMiB);
        Assert.Equal(ImageCopy.Yes, p.Image.CopyToRam);
        Assert.True(p.Medium.ReadWrite);
    }

    [Fact]
    public void DracutNewOverlayName()
    {
        var o = Assert.IsType<LiveOsOverlay>(Plan("root=live:LABEL=L rd.overlay=LABEL=P").Writable);
        Assert.Equal(DeviceSpec.ByLabel("P"), o.PersistentDevice);
        Assert.Null(o.OverlayPath);
    }

    [Theory]
    [InlineData("rd.live.overlay.size=huge", "rd.live.overlay.size")]
    [InlineData("rd.live.dir=../..", "rd.live.dir")]
    [InlineData("rd.live.squashimg=a/b", "rd.live.squashimg")]
    [InlineData("rd.live.overlay=BOGUS=1", "rd.live.overlay")]
    [InlineData("rd.retry=forever", "rd.retry")]
    public void DracutBadValues(string param, string name) => Assert.True(HasError(Plan("root=live:LABEL=L " + param), name));

    [Fact]
    public void DracutRetry() => Assert.Equal(90, Plan("root=live:LABEL=L rd.retry=90").Medium.WaitSeconds);

    [Fact]
    public void AntixDefaults()
    {
        var p = Plan("blabel=ANTIX");
        Assert.Equal("antix", p.Dialect);
        Assert.Equal(["antiX/linuxfs"], p.Image.Candidates);
        Assert.Equal(RemasterAction.ApplyPending, p.Remaster.Action);
        Assert.Equal("linuxfs", p.Remaster.ImageName);
        Assert.Equal("antiX", p.Remaster.Directory);
        Assert.IsType<RamUpper>(p.Writable);
    }

    [Fact]
    public void AntixSearchWithoutBootDevice()
    {
        var p = Plan("bdir=MX sqname=linuxfs2 sqext=e16 from=usb,hd");
        Assert.Null(p.Medium.Device);
        Assert.Equal("MX/linuxfs2.e16", p.Medium.SearchFile);
        Assert.Equal(ScanScope.All, p.Medium.Scope);
    }

    [Fact]
    public void AntixRemasterFlagsAndPersistence()
    {
        Assert.Equal(RemasterAction.Disabled, Plan("blabel=A noremaster").Remaster.Action);
        Assert.Equal(RemasterAction.Rollback, Plan("blabel=A rollback").Remaster.Action);
        var p = Plan("buuid=1234 persist_all");
        Assert.Equal(new DeviceSpec(DeviceSpecKind.Uuid, "1234"), p.Medium.Device);
        var l = Assert.IsType<LoopFileUpper>(p.Writable);
        Assert.Equal("antiX/rootfs", l.FilePath);
        Assert.True(l.OnBootMedium);
        Assert.Equal("antiX/homefs", p.Home!.FilePath);
        Assert.True(p.Remaster.SwapRootfs);
    }

    [Fact]
    public void AntixBdevWithoutDevPrefix() =>
        Assert.Equal(new DeviceSpec(DeviceSpecKind.Path, "/dev/sdb1"), Plan("bdev=sdb1").Medium.Device);

    [Fact]
    public void SystemRescueCd5Backstore()
    {
        var p = Plan("backstore=alldev,/path/to/mysysrcd.bs");
        Assert.Equal("sysresccd5", p.Dialect);
        var l = Assert.IsType<LoopFileUpper>(p.Writable);
        Assert.Equal("path/to/mysysrcd.bs", l.FilePath);
        Assert.Equal(ScanScope.All, l.Scope);
        Assert.Equal("sysrcd.dat", p.Medium.SearchFile);
        Assert.IsType<RamUpper>(Plan("backstore=off").Writable);
        var def = Assert.IsType<LoopFileUpper>(Plan("backstore").Writable);
        Assert.Equal("sysrcd.bs", def.FilePath);
        Assert.Equal(ScanScope.Removable, def.Scope);
    }

    [Fact]
    public void BackstoreTraversalRejected()
    {
        var p = Plan("backstore=/../../etc/shadow");
        Assert.True(HasError(p, "backstore"));
        Assert.Equal("sysrcd.bs", Assert.IsType<LoopFileUpper>(p.Writable).FilePath);
    }

    [Fact]
    public void ContradictionDracutWinsAndOthersAreWarned()
    {
        var p = Plan("root=live:LABEL=L archisolabel=A cow_label=P");
        Assert.Equal("dracut", p.Dialect);
        Assert.True(HasWarning(p, "archisolabel"));
        Assert.True(HasWarning(p, "cow_label"));
    }

    [Fact]
    public void ForcedDialect() => Assert.Equal("antix", Plan("liveinit.dialect=antix archisolabel=A").Dialect);

    [Fact]
    public void NoLiveParametersIsLayoutDetectionThatOnlyFindsTheMedium()
    {
        var p = Plan("quiet splash root=/dev/sda1");
        Assert.Equal("detect", p.Dialect);
        Assert.False(p.HasErrors);
        Assert.Equal(LayoutPlan.Known, p.Layout!.Detect);
        var steps = BootSequence.For(p);
        // the detected layout's own plan assembles the root: this one only finds the medium and adopts that plan
        Assert.IsType<LiveInit.Boot.Steps.AdoptDetectedLayout>(steps[^1]);
        Assert.DoesNotContain(steps, s => s is LiveInit.Boot.Steps.SwitchRoot or LiveInit.Boot.Steps.AssembleRoot);
    }

    [Theory]
    [InlineData("rd.emergency=reboot", FailureAction.Reboot)]
    [InlineData("liveinit.emergency=poweroff", FailureAction.Poweroff)]
    [InlineData("rd.emergency=shell", FailureAction.Shell)]
    public void Emergency(string param, FailureAction action) => Assert.Equal(action, Plan("archisolabel=A " + param).Failure.Action);

    [Fact]
    public void BadEmergencyAndInit()
    {
        var p = Plan("archisolabel=A rd.emergency=explode init=sbin/init");
        Assert.Equal(FailureAction.Poweroff, p.Failure.Action);   // fail closed: a typo must not give a shell
        Assert.True(HasError(p, "rd.emergency"));
        Assert.True(HasError(p, "init"));
        Assert.Null(p.Init.Path);
    }

    [Fact]
    public void InitAndArguments()
    {
        var p = Plan("archisolabel=A init=/lib/systemd/systemd -- --unit=rescue.target");
        Assert.Equal("/lib/systemd/systemd", p.Init.Path);
        Assert.Equal(["--unit=rescue.target"], p.Init.Arguments);
    }

    [Fact]
    public void RootDelayOverrides()
    {
        Assert.Equal(120, Plan("archisolabel=A rootdelay=120").Medium.WaitSeconds);
        Assert.True(HasError(Plan("archisolabel=A rootdelay=soon"), "rootdelay"));
    }

    [Theory]
    [InlineData("LABEL=my disk", DeviceSpecKind.Label, "my disk")]
    [InlineData("CDLABEL=ARCH_2024", DeviceSpecKind.Label, "ARCH_2024")]
    [InlineData("UUID=abc", DeviceSpecKind.Uuid, "abc")]
    [InlineData("PARTUUID=5eed1234-01", DeviceSpecKind.PartUuid, "5eed1234-01")]
    [InlineData("PARTLABEL=EFI system", DeviceSpecKind.PartLabel, "EFI system")]
    [InlineData("/dev/disk/by-label/my\\x20disk", DeviceSpecKind.Label, "my disk")]
    [InlineData("/dev/disk/by-partuuid/aa-01", DeviceSpecKind.PartUuid, "aa-01")]
    [InlineData("/dev/sda1", DeviceSpecKind.Path, "/dev/sda1")]
    public void DeviceSpecs(string text, DeviceSpecKind kind, string value)
    {
        Assert.True(DeviceSpec.TryParse(text, out var spec, out _));
        Assert.Equal(new DeviceSpec(kind, value), spec);
    }

    [Theory]
    [InlineData("sda1")]
    [InlineData("FOO=bar")]
    [InlineData("/dev/../etc/passwd")]
    [InlineData("LABEL=")]
    public void BadDeviceSpecs(string text) => Assert.False(DeviceSpec.TryParse(text, out _, out _));

    [Fact]
    public void ExplainTextAndJsonNameTheSameThings()
    {
        var c = KernelCommandLine.Parse("archisobasedir=sysresccd archisolabel=RESCUE cow_label=\"my persist\" loadsrm");
        var text = LiveInit.Cli.ExplainCommand.Render(c, "text");
        Assert.Contains("LABEL=RESCUE", text);
        Assert.Contains("sysresccd/x86_64/airootfs.sfs", text);
        Assert.Contains("SRM loading on", text);
        Assert.Contains("persistent_RESCUE/x86_64 on the device LABEL=my persist", text);
        var json = System.Text.Json.JsonDocument.Parse(LiveInit.Cli.ExplainCommand.Render(c, "json"));
        var plan = json.RootElement.GetProperty("plan");
        Assert.Equal("RESCUE", plan.GetProperty("medium").GetProperty("device").GetProperty("value").GetString());
        Assert.Equal("directory", plan.GetProperty("writable").GetProperty("kind").GetString());
        Assert.Equal("my persist", plan.GetProperty("writable").GetProperty("device").GetProperty("value").GetString());
        Assert.True(plan.GetProperty("srm").GetProperty("enabled").GetBoolean());
    }
}
