using LiveInit.Boot;
using LiveInit.Boot.Steps;
using LiveInit.Tools.Analyze;

namespace LiveInit.Tests;

/// <summary>The boot's timings: /proc/uptime parsing, the JSON written to /run/liveinit/timings.json, the kmsg
/// line, and what <c>liveinit analyze</c> prints from it (and says about a file that is not one).</summary>
public class TimingTests
{
    private static readonly StepTiming[] Sample =
    [
        new("start", "mounts, log, command line and plan", 1.2003, 0.004),
        new("load-drivers", "load loop, squashfs", 1.2045, 0.0312),
        new("find-medium", "wait for LABEL=\"LIVE\"", 1.2357, 0.4124),
        new("switch-root", "move /dev /proc", 1.7, 1.25),
    ];

    [Theory]
    [InlineData("1.23 4.56\n", 1.23)]
    [InlineData("0.00 0.00", 0.0)]
    [InlineData("12345.67 1.00\n", 12345.67)]
    public void UptimeIsTheFirstNumber(string text, double expected) =>
        Assert.Equal(expected, BootTimings.ParseUptime(text));

    [Theory]
    [InlineData("")]
    [InlineData("abc 1.0")]
    [InlineData("-1.0 2.0")]
    [InlineData("NaN 1")]
    public void UptimeThatIsNotANumberIsNull(string text) => Assert.Null(BootTimings.ParseUptime(text));

    [Fact]
    public void TheJsonHasTheKernelTimeAndEveryStepInOrder()
    {
        var json = BootTimings.ToJson(1.1875, Sample);
        Assert.Contains("\"version\": 1", json);
        Assert.Contains("\"kernel_s\": 1.1875", json);
        Assert.Contains("\"name\": \"find-medium\"", json);
        Assert.Contains("\"start_s\": 1.2357", json);
        Assert.Contains("\"duration_s\": 0.4124", json);
        var back = TimingReport.Parse(json);
        Assert.Equal(1.1875, back.KernelS);
        Assert.Equal(Sample, back.Steps);
    }

    [Fact]
    public void AnUnknownKernelTimeIsNullAndTheSummarySaysSo()
    {
        var back = TimingReport.Parse(BootTimings.ToJson(double.NaN, Sample));
        Assert.Null(back.KernelS);
        Assert.Contains("the kernel's share is unknown", back.Summary());
    }

    [Fact]
    public void BlameIsSlowestFirstLikeSystemdAnalyze()
    {
        var lines = new TimingReport(1.187, Sample).Blame().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Startup finished in 1.187s (kernel) + 1.763s (initramfs: liveinit) = 2.950s", lines[0]);
        Assert.Matches(@"^ +1\.250s switch-root +at 1\.700s  move /dev /proc$", lines[1]);
        Assert.Matches(@"^ +412ms find-medium +at 1\.236s  wait for LABEL=""LIVE""$", lines[2]);
        Assert.Matches(@"^ +31ms load-drivers +at 1\.205s", lines[3]);
        Assert.Matches(@"^ +4ms start +at 1\.200s", lines[4]);
        Assert.Equal(5, lines.Length);
    }

    [Fact]
    public void TimeIsInTheOrderTheStepsRan()
    {
        var lines = new TimingReport(1.1875, Sample.Reverse().ToArray()).Time().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["start", "load-drivers", "find-medium", "switch-root"],
            lines.Skip(1).Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
    }

    [Fact]
    public void TheKmsgLineNamesTheStepItsStartAndDuration() =>
        Assert.Equal("timing: find-medium started at 1.236 s, took 412 ms", BootTimings.LogLine(Sample[2]));

    [Fact]
    public void StepNamesAreTheirClassesInKebabCase()
    {
        Assert.Equal("mount-kernel-filesystems", BootTimings.NameOf(new MountKernelFilesystems()));
        Assert.Equal("find-medium", BootTimings.Kebab("FindMedium"));
        // the agent names them from a table (no reflection data): every step class has its line there
        var steps = typeof(BootStep).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(BootStep)) && !t.IsAbstract)
            .ToList();
        Assert.True(steps.Count >= 28, $"{steps.Count} step classes");
        foreach (var t in steps)
        {
            var step = (BootStep)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(t);
            Assert.Equal(BootTimings.Kebab(t.Name), BootTimings.NameOf(step));
        }
    }

    [Theory]
    [InlineData("", "not JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"version\":2,\"steps\":[]}", "\"version\" is not 1")]
    [InlineData("{\"version\":1}", "no \"steps\" array")]
    [InlineData("{\"version\":1,\"steps\":[{\"name\":\"a\",\"description\":\"b\",\"start_s\":1}]}", "step 1 has no \"duration_s\"")]
    [InlineData("{\"version\":1,\"steps\":[{\"name\":\"a\",\"description\":\"b\",\"start_s\":-1,\"duration_s\":1}]}", "step 1 has no \"start_s\"")]
    [InlineData("{\"version\":1,\"steps\":[7]}", "step 1 is not an object")]
    public void AFileThatIsNotATimingFileIsNamedNotGuessed(string json, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => TimingReport.Parse(json)).Message);

    [Fact]
    public void SavingWritesTheFileAtomicallyAndAStartReadsUptime()
    {
        var dir = Directory.CreateTempSubdirectory("timings");
        try
        {
            var uptime = Path.Combine(dir.FullName, "uptime");
            File.WriteAllText(uptime, "5.5 1.0\n");
            BootTimings.MarkProcessStart();
            var t = BootTimings.Start(uptime);
            Assert.InRange(t.KernelS, 0, 5.5);
            t.Begin("find-medium", "wait");
            var end = t.End();
            Assert.NotNull(end);
            Assert.Null(t.End());
            var path = Path.Combine(dir.FullName, "run", "liveinit", "timings.json");
            Assert.True(t.TrySave(path));
            Assert.False(File.Exists(path + ".new"));
            var back = TimingReport.Parse(File.ReadAllText(path));
            Assert.Equal("find-medium", Assert.Single(back.Steps).Name);
            Assert.InRange(back.Steps[0].StartS, 5.4, 6.5);
        }
        finally { dir.Delete(true); }
    }

    private static (int Code, string Out, string Err) Analyze(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        return (LiveInit.Cli.AnalyzeCommand.Run(args, o, e), o.ToString(), e.ToString());
    }

    [Fact]
    public void AnalyzeReadsTheFileAndSaysWhatToDoWhenThereIsNone()
    {
        var dir = Directory.CreateTempSubdirectory("analyze");
        try
        {
            var missing = Analyze("--file", Path.Combine(dir.FullName, "none.json"));
            Assert.Equal(1, missing.Code);
            Assert.Contains("does not exist: this system was not booted by LiveInit", missing.Err);
            var bad = Path.Combine(dir.FullName, "bad.json");
            File.WriteAllText(bad, "{\"version\":1}");
            Assert.Contains("no \"steps\" array", Analyze("--file", bad).Err);
            var good = Path.Combine(dir.FullName, "t.json");
            File.WriteAllText(good, BootTimings.ToJson(1.187, Sample));
            var blame = Analyze("--file", good);
            Assert.Equal(0, blame.Code);
            Assert.Equal(new TimingReport(1.187, Sample).Blame(), blame.Out);
            Assert.Equal(new TimingReport(1.187, Sample).Time(), Analyze("time", "--file", good).Out);
            Assert.Throws<LiveInit.Cli.UsageException>(() => Analyze("everything", "--file", good));
        }
        finally { dir.Delete(true); }
    }
}
