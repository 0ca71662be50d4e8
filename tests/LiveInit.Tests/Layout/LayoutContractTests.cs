using LiveInit.Boot;
using LiveInit.Boot.Layouts;
using LiveInit.Boot.Remaster;
using LiveInit.Boot.Steps;
using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Media;
using LiveInit.Plan;

namespace LiveInit.Tests.Layout;

public class LayoutContractTests
{
    private static BootPlan Plan(string cmdline) => DialectSelector.Plan(KernelCommandLine.Parse(cmdline));

    [Theory]
    [InlineData("setkmap=de")]                       // a SystemRescueCd 5.x boot line
    [InlineData("")]
    [InlineData("quiet -- single")]
    public void NoDialectParameterDetectsTheKnownLayouts(string cmdline)
    {
        var p = Plan(cmdline);
        Assert.Equal("detect", p.Dialect);
        Assert.Equal(["sysrcd.dat", "LiveOS/squashfs.img", "antiX/linuxfs", "*/x86_64/airootfs.sfs",
            "live/filesystem.squashfs"],
            p.Layout!.Detect.Select(x => x.Marker));
        Assert.Equal(cmdline, p.Layout.CommandLine);
        var text = PlanText.Render(p, BootSequence.For(p).Select(s => s.Describe()).ToList());
        Assert.Contains("layout detection", text);
        Assert.Contains("/sysrcd.dat (sysresccd5)", text);
    }

    [Theory]
    [InlineData("sysrcd.dat", "sysresccd5", null, "liveinit.dialect=sysresccd5")]
    [InlineData("LiveOS/squashfs.img", "dracut", null, "liveinit.dialect=dracut root=live:/dev/sdb1")]
    [InlineData("antiX/linuxfs", "antix", null, "liveinit.dialect=antix bdev=/dev/sdb1")]
    [InlineData("rescue/x86_64/airootfs.sfs", "archiso", "rescue",
        "liveinit.dialect=archiso archisodevice=/dev/sdb1 archisobasedir=rescue")]
    [InlineData("live/filesystem.squashfs", "live-boot", null,
        "liveinit.dialect=live-boot boot=live live-media=/dev/sdb1")]
    public void EachLayoutIsFoundAndYieldsItsDialectsPlan(string marker, string dialect, string? folder, string extra)
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, marker);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
        using var root = MediumRoot.Open(dir.Path);
        var hit = LayoutDetector.Find(root, LayoutPlan.Known);
        Assert.NotNull(hit);
        Assert.Equal(dialect, hit.Value.Layout.Dialect);
        Assert.Equal(folder, hit.Value.Folder);
        var parameters = LayoutDetector.Parameters(hit.Value.Layout, hit.Value.Folder, "/dev/sdb1");
        Assert.Equal(extra, parameters);
        var next = Plan($"{parameters} setkmap=de -- single");
        Assert.StartsWith(dialect, next.Dialect);
        Assert.Null(next.Layout?.Detect.FirstOrDefault());
        Assert.False(next.HasErrors, string.Join("; ", next.Diagnostics));
        Assert.Equal(["single"], next.Init.Arguments);
    }

    [Fact]
    public void DetectionSkipsFoldersABootParameterCannotCarryAndLinksOffTheMedium()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "a b", "x86_64"));
        File.WriteAllText(Path.Combine(dir.Path, "a b", "x86_64", "airootfs.sfs"), "x");
        Directory.CreateDirectory(Path.Combine(dir.Path, "LiveOS"));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "LiveOS", "squashfs.img"), "/etc/passwd");
        using var root = MediumRoot.Open(dir.Path);
        Assert.Null(LayoutDetector.Find(root, LayoutPlan.Known));
        Assert.False(LayoutDetector.IsPlainFolderName(".hidden"));
        Assert.False(LayoutDetector.IsPlainFolderName("x=y"));
        Assert.Throws<ArgumentException>(() => LayoutDetector.Parameters(LayoutPlan.Known[1], null, "/dev/sd b"));
    }

    [Fact]
    public void SysrescueCd5DetectedPlanShowsTheStoreAtMntMemory()
    {
        var p = Plan("liveinit.dialect=sysresccd5 setkmap=de");
        Assert.Equal([new RootAlias("/livemnt/memory", "/mnt/memory")], p.Layout!.Aliases!);
        Assert.Contains(BootSequence.For(p), s => s is ShowMountsInRoot);
    }

    [Fact]
    public void DracutLinksLivedevAndTakesARootfsImgOrTheDeviceItself()
    {
        var p = Plan("root=live:LABEL=L rd.live.image");
        Assert.Equal(LayoutPlan.DracutLiveDev, p.Layout!.MediumLink);
        Assert.True(p.Layout.MediumMayBeImage);
        Assert.Equal(["LiveOS/squashfs.img", "LiveOS/rootfs.img", "LiveOS/ext3fs.img"], p.Image.Candidates);
        var steps = BootSequence.For(p).ToList();
        Assert.IsType<LinkMediumDevice>(steps[steps.FindIndex(s => s is FindMedium) + 1]);
    }

    [Fact]
    public void AntixWritesRemasterConfAfterTheRootIsAssembled()
    {
        var steps = BootSequence.For(Plan("blabel=ANTIX")).ToList();
        var conf = steps.FindIndex(s => s is WriteRemasterConf);
        Assert.True(conf > steps.FindIndex(s => s is AssembleRoot));
        Assert.True(conf < steps.FindIndex(s => s is SwitchRoot));
        Assert.DoesNotContain(BootSequence.For(Plan("archisolabel=A")), s => s is WriteRemasterConf);
    }

    [Fact]
    public void CopytoramReleasesTheMediumLast()
    {
        var steps = BootSequence.For(Plan("archisolabel=A loadsrm copytoram=y")).ToList();
        Assert.True(steps.FindIndex(s => s is ReleaseMedium) > steps.FindIndex(s => s is MountSrms));
        Assert.Equal(steps.Count - 2, steps.FindIndex(s => s is ReleaseMedium));
        Assert.DoesNotContain(BootSequence.For(Plan("archisolabel=A copytoram=n")), s => s is ReleaseMedium);
    }

    private static RemasterConfValues Values(string label, RemasterResult? result = null) =>
        new("/dev/sdb1", "ext4", label, "1234-ABCD", "/live/boot-dev", "/live/boot-dev/antiX", "linuxfs", "/",
            "/run/liveinit/cow/upperdir", false, result, false);

    [Fact]
    public void RemasterConfHasTheSeedsVariables()
    {
        var text = RemasterConf.Render(Values("ANTIX"));
        foreach (var line in new[]
                 {
                     "BOOT_DEV='/dev/sdb1'", "BOOT_MP='/live/boot-dev'", "BOOT_FSTYPE='ext4'", "BOOT_LABEL='ANTIX'",
                     "SQFILE_DIR='/live/boot-dev/antiX'", "SQFILE_NAME='linuxfs'",
                     "SQFILE_FULL='/live/boot-dev/antiX/linuxfs'", "AUFS_MP='/'",
                     "AUFS_RAM_MP='/run/liveinit/cow/upperdir'", "PERSIST_ROOT='false'",
                 })
            Assert.Contains(line + "\n", text);
        Assert.DoesNotContain("REMASTERED", text);
        Assert.DoesNotContain("ROLLED_BACK", text);
    }

    [Theory]
    [InlineData(RemasterResult.Applied, "REMASTERED='true'")]
    [InlineData(RemasterResult.RolledBack, "ROLLED_BACK='true'")]
    public void RemasterConfSaysWhatThisBootDid(RemasterResult result, string line) =>
        Assert.Contains(line + "\n", RemasterConf.Render(Values("X", result)));

    [Theory]
    [InlineData("q'$(touch /x)", "'q'\\''$(touch /x)'")]
    [InlineData("a`b`\"c\\", "'a`b`\"c\\'")]
    [InlineData("two\nlines", "'two?lines'")]
    public void RemasterConfQuotesAHostileLabel(string label, string quoted)
    {
        Assert.Equal(quoted, RemasterConf.Quote(label));
        var text = RemasterConf.Render(Values(label));
        Assert.Contains($"BOOT_LABEL={quoted}\n", text);
        Assert.All(text.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            l => Assert.Matches("^(#.*|[A-Z_]+='.*)$", l));
    }

    [Fact]
    public void RemasterConfSourcedByAShellGivesTheLabelBackLiterally()
    {
        const string label = "q'$(touch /tmp/liveinit-pwned)`id`";
        using var dir = new TempDir();
        var conf = Path.Combine(dir.Path, "remaster.conf");
        File.WriteAllText(conf, RemasterConf.Render(Values(label)));
        var psi = new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", $". '{conf}'; printf %s \"$BOOT_LABEL\""])
        {
            RedirectStandardOutput = true,
        };
        using var sh = System.Diagnostics.Process.Start(psi)!;
        var output = sh.StandardOutput.ReadToEnd();
        sh.WaitForExit();
        Assert.Equal(label, output);
        Assert.False(File.Exists("/tmp/liveinit-pwned"));
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("liveinit-layout-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
