using System.IO.Compression;
using System.Text;
using LiveInit.Boot;
using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Initramfs;
using LiveInit.Plan;

namespace LiveInit.Tests;

/// <summary>PID 1 never panics, never hangs, never runs out of memory, and fails closed (README "Faults (PID 1)").</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class Pid1Tests
{
    private const FailureAction S = FailureAction.Shell, R = FailureAction.Reboot, P = FailureAction.Poweroff;

    private static InitramfsDefaults Image(FailureAction a) =>
        a == S ? InitramfsDefaults.None : InitramfsDefaults.Parse(InitramfsDefaults.Render(a));

    // ---- emergency policy: every combination of the image's default and the command line ----

    [Theory]
    // no image default (shell)
    [InlineData(S, "", S, "default", null, null)]
    [InlineData(S, "rd.emergency=shell", S, "default", null, null)]
    [InlineData(S, "rd.emergency=reboot", R, "rd.emergency=reboot", null, null)]
    [InlineData(S, "rd.emergency=poweroff", P, "rd.emergency=poweroff", null, null)]
    [InlineData(S, "rd.emergency=halt", P, "rd.emergency=halt", null, null)]
    [InlineData(S, "liveinit.emergency=reboot", R, "liveinit.emergency=reboot", null, null)]
    [InlineData(S, "rd.shell", S, "default", null, null)]
    [InlineData(S, "rd.shell=1", S, "default", null, null)]
    [InlineData(S, "rd.shell=0", P, "rd.shell=0", null, null)]
    [InlineData(S, "rd.shell=no", P, "rd.shell=no", null, null)]
    [InlineData(S, "rd.shell=0 rd.emergency=reboot", R, "rd.emergency=reboot", null, null)]
    [InlineData(S, "rd.shell=0 rd.shell=1", P, "rd.shell=0", null, "rd.shell")]
    [InlineData(S, "rd.shell=1 rd.shell=0", P, "rd.shell=0", null, "rd.shell")]
    // invalid values: an error, never weaker than a valid value, on their own no shell
    [InlineData(S, "rd.emergency=typo", P, "invalid rd.emergency=typo", "rd.emergency", null)]
    [InlineData(S, "liveinit.emergency=typo", P, "invalid liveinit.emergency=typo", "liveinit.emergency", null)]
    [InlineData(S, "rd.emergency", P, "invalid rd.emergency", "rd.emergency", null)]
    [InlineData(S, "rd.emergency=", P, "invalid rd.emergency=", "rd.emergency", null)]
    [InlineData(S, "rd.shell=maybe", P, "invalid rd.shell=maybe", "rd.shell", null)]
    [InlineData(S, "liveinit.emergency=typo rd.emergency=poweroff", P, "rd.emergency=poweroff", "liveinit.emergency", null)]
    [InlineData(S, "rd.emergency=poweroff liveinit.emergency=typo", P, "rd.emergency=poweroff", "liveinit.emergency", null)]
    [InlineData(S, "liveinit.emergency=typo rd.emergency=reboot", R, "rd.emergency=reboot", "liveinit.emergency", null)]
    [InlineData(S, "liveinit.emergency=typo rd.emergency=shell", P, "invalid liveinit.emergency=typo", "liveinit.emergency", "rd.emergency")]
    // several valid values: the most restrictive wins, whatever the order or the key
    [InlineData(S, "rd.emergency=poweroff rd.emergency=reboot", P, "rd.emergency=poweroff", null, "rd.emergency")]
    [InlineData(S, "rd.emergency=reboot rd.emergency=poweroff", P, "rd.emergency=poweroff", null, "rd.emergency")]
    [InlineData(S, "liveinit.emergency=shell rd.emergency=reboot", R, "rd.emergency=reboot", null, "liveinit.emergency")]
    [InlineData(S, "rd.emergency=reboot liveinit.emergency=shell", R, "rd.emergency=reboot", null, "liveinit.emergency")]
    [InlineData(S, "rd.emergency=reboot rd.shell", R, "rd.emergency=reboot", null, "rd.shell")]
    // the image says reboot: the command line can only make it stricter
    [InlineData(R, "", R, "initramfs /etc/liveinit/initramfs.conf: emergency=reboot", null, null)]
    [InlineData(R, "rd.emergency=shell", R, "initramfs /etc/liveinit/initramfs.conf: emergency=reboot", null, "rd.emergency")]
    [InlineData(R, "rd.shell", R, "initramfs /etc/liveinit/initramfs.conf: emergency=reboot", null, "rd.shell")]
    [InlineData(R, "rd.shell=1", R, "initramfs /etc/liveinit/initramfs.conf: emergency=reboot", null, "rd.shell")]
    [InlineData(R, "rd.shell=0", R, "initramfs /etc/liveinit/initramfs.conf: emergency=reboot", null, null)]
    [InlineData(R, "rd.emergency=poweroff", P, "rd.emergency=poweroff", null, null)]
    [InlineData(R, "rd.emergency=typo", R, "initramfs /etc/liveinit/initramfs.conf: emergency=reboot", "rd.emergency", null)]
    // the image says poweroff
    [InlineData(P, "", P, "initramfs /etc/liveinit/initramfs.conf: emergency=poweroff", null, null)]
    [InlineData(P, "rd.emergency=reboot", P, "initramfs /etc/liveinit/initramfs.conf: emergency=poweroff", null, "rd.emergency")]
    [InlineData(P, "liveinit.emergency=shell rd.shell=1", P, "initramfs /etc/liveinit/initramfs.conf: emergency=poweroff", null, "rd.shell")]
    [InlineData(P, "rd.emergency=typo", P, "initramfs /etc/liveinit/initramfs.conf: emergency=poweroff", "rd.emergency", null)]
    public void EmergencyPolicyMostRestrictiveWinsAndFailsClosed(FailureAction image, string cmdline, FailureAction action,
        string source, string? error, string? warning)
    {
        var d = new Diagnostics();
        var f = EmergencyPolicy.Resolve(KernelCommandLine.Parse(cmdline), Image(image), d);
        Assert.Equal(action, f.Action);
        Assert.Equal(source, f.Source);
        var errors = d.Items.Where(x => x.Severity == Severity.Error).Select(x => x.Parameter).ToList();
        var warnings = d.Items.Where(x => x.Severity == Severity.Warning).Select(x => x.Parameter).ToList();
        if (error is null) Assert.Empty(errors); else Assert.Contains(error, errors);
        if (warning is null) Assert.Empty(warnings); else Assert.Contains(warning, warnings);
    }

    [Theory]
    [InlineData("archisolabel=A")]
    [InlineData("root=live:LABEL=A rd.live.image")]
    [InlineData("blabel=A")]
    [InlineData("backstore")]
    [InlineData("quiet")]
    public void EveryDialectCombinesTheImageDefault(string cmdline)
    {
        var c = KernelCommandLine.Parse(cmdline + " rd.emergency=shell");
        Assert.Equal(S, DialectSelector.Plan(c).Failure.Action);
        var p = DialectSelector.Plan(c, Image(P));
        Assert.Equal(P, p.Failure.Action);
        Assert.Single(p.Diagnostics, x => x.Parameter == "rd.emergency" && x.Message.Contains("cannot weaken the initramfs"));
    }

    [Fact]
    public void ImageDefaultAddsNoDiagnosticTwice()
    {
        var c = KernelCommandLine.Parse("archisolabel=A rd.emergency=typo");
        var p = DialectSelector.Plan(c, Image(R));
        Assert.Equal(R, p.Failure.Action);
        Assert.Single(p.Diagnostics, x => x.Parameter == "rd.emergency");
    }

    [Theory]
    [InlineData("", S, "default", 0)]
    [InlineData("# comment\n\nemergency=poweroff\n", P, "initramfs /x: emergency=poweroff", 0)]
    [InlineData("emergency = reboot", R, "initramfs /x: emergency=reboot", 0)]
    [InlineData("emergency=halt", P, "initramfs /x: emergency=halt", 0)]
    [InlineData("emergency=shell\ncolour=blue", S, "initramfs /x: emergency=shell", 1)]
    [InlineData("emergency=poweroof", P, "initramfs /x unreadable, fail closed", 1)]
    [InlineData("emergency=", P, "initramfs /x unreadable, fail closed", 1)]
    public void InitramfsConfigParsesAndFailsClosed(string text, FailureAction action, string source, int problems)
    {
        var d = InitramfsDefaults.Parse(text, "/x");
        Assert.Equal(action, d.Emergency);
        Assert.Equal(source, d.Source);
        Assert.Equal(problems, d.Problems.Count);
    }

    [Fact]
    public void InitramfsConfigLoadIsBoundedAndMissingMeansShell()
    {
        var dir = Repo.TempDir("conf");
        Assert.Same(InitramfsDefaults.None, InitramfsDefaults.Load(Path.Combine(dir, "absent.conf")));
        var big = Path.Combine(dir, "big.conf");
        File.WriteAllText(big, "emergency=shell\n" + new string('#', 100_000));
        Assert.Equal(P, InitramfsDefaults.Load(big).Emergency);
        var ok = Path.Combine(dir, "ok.conf");
        File.WriteAllText(ok, InitramfsDefaults.Render(R));
        Assert.Equal(R, InitramfsDefaults.Load(ok).Emergency);
    }

    [Fact]
    public void ExplainShowsThePolicyAndWhereItCameFrom()
    {
        var c = KernelCommandLine.Parse("archisolabel=A liveinit.emergency=typo rd.emergency=poweroff");
        var text = LiveInit.Cli.ExplainCommand.Render(c, "text");
        Assert.Contains("failure:   poweroff (rd.emergency=poweroff): after the report, no shell", text);
        Assert.Contains("error: liveinit.emergency: 'typo' is not one of shell, reboot, poweroff", text);
        Assert.Contains("failure:   shell (default): an emergency root shell",
            LiveInit.Cli.ExplainCommand.Render(KernelCommandLine.Parse("archisolabel=A"), "text"));
        var image = LiveInit.Cli.ExplainCommand.Render(KernelCommandLine.Parse("archisolabel=A rd.shell"), "text", Image(R));
        Assert.Contains("failure:   reboot (initramfs /etc/liveinit/initramfs.conf: emergency=reboot)", image);
        Assert.Contains("rd.shell is overridden by", image);
        var json = System.Text.Json.JsonDocument.Parse(LiveInit.Cli.ExplainCommand.Render(c, "json"));
        var failure = json.RootElement.GetProperty("plan").GetProperty("failure");
        Assert.Equal("Poweroff", failure.GetProperty("action").GetString());
        Assert.Equal("rd.emergency=poweroff", failure.GetProperty("source").GetString());
    }

    [Fact]
    public void MkinitramfsBakesTheEmergencyPolicyIntoTheImage()
    {
        var dir = Repo.TempDir("mkinitramfs");
        var mods = Path.Combine(dir, "lib/modules/6.0.0-test");
        Directory.CreateDirectory(mods);
        File.WriteAllText(Path.Combine(mods, "modules.dep"), "");
        File.WriteAllText(Path.Combine(mods, "modules.alias"), "");
        var agent = Path.Combine(dir, "agent");
        File.WriteAllText(agent, "not really an agent");
        string Cpio(FailureAction? emergency)
        {
            using var ms = new MemoryStream();
            InitramfsBuilder.Build(agent, ModuleSet.Load(mods), "6.0.0-test", [], null, ms, null, emergency);
            using var gz = new GZipStream(new MemoryStream(ms.ToArray()), CompressionMode.Decompress);
            using var raw = new MemoryStream();
            gz.CopyTo(raw);
            return Encoding.Latin1.GetString(raw.ToArray());
        }
        Assert.Contains("etc/liveinit/initramfs.conf\0", Cpio(P));
        Assert.Contains("\nemergency=poweroff\n", Cpio(P));
        Assert.Contains("\nemergency=reboot\n", Cpio(R));
        Assert.DoesNotContain("initramfs.conf", Cpio(null));
        var conf = Cpio(P);
        var text = conf[(conf.IndexOf("# written by liveinit", StringComparison.Ordinal))..];
        Assert.Equal(P, InitramfsDefaults.Parse(text[..(text.IndexOf("poweroff\n", StringComparison.Ordinal) + 9)]).Emergency);
    }

    // ---- init candidates: checked in the new root before the initramfs is deleted ----

    private static string InitRoot()
    {
        var root = Repo.TempDir("initroot");
        foreach (var d in new[] { "bin", "sbin", "etc", "usr/lib/systemd", "lib" }) Directory.CreateDirectory(Path.Combine(root, d));
        void Write(string rel, byte[] bytes, UnixFileMode mode)
        {
            var p = Path.Combine(root, rel);
            File.WriteAllBytes(p, bytes);
            File.SetUnixFileMode(p, mode);
        }
        const UnixFileMode x = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute;
        const UnixFileMode rw = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        byte[] elf = [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0];
        Write("bin/busybox", elf, x);
        File.CreateSymbolicLink(Path.Combine(root, "bin/sh"), "busybox");
        Write("usr/lib/systemd/systemd", elf, x);
        File.CreateSymbolicLink(Path.Combine(root, "sbin/init"), "/usr/lib/systemd/systemd");   // absolute: inside the root
        Write("etc/hostname", "live\n"u8.ToArray(), rw);
        Write("etc/exec-text", "just words\n"u8.ToArray(), x);
        Write("etc/script-ok", "#!/bin/sh -e\necho hi\n"u8.ToArray(), x);
        Write("etc/script-nointerp", "#!/usr/bin/python9\n"u8.ToArray(), x);
        Write("etc/script-relative", "#! sh\n"u8.ToArray(), x);
        Write("etc/script-empty", "#!\n"u8.ToArray(), x);
        Write("etc/script-textinterp", "#!/etc/hostname\n"u8.ToArray(), x);
        File.CreateSymbolicLink(Path.Combine(root, "etc/dangling"), "/nowhere/init");
        File.CreateSymbolicLink(Path.Combine(root, "etc/escape"), "../../../../../../bin/true");   // '..' stops at the root
        File.CreateSymbolicLink(Path.Combine(root, "etc/loop"), "/etc/loop");
        return root;
    }

    [Theory]
    [InlineData("/sbin/init", null)]
    [InlineData("/bin/sh", null)]
    [InlineData("/etc/script-ok", null)]
    [InlineData("/etc/hostname", "is not executable (mode 0644)")]
    [InlineData("/nonexistent", "does not exist")]
    [InlineData("/etc", "is a directory")]
    [InlineData("/etc/exec-text", "is neither an ELF program nor a #! script")]
    [InlineData("/etc/script-nointerp", "is a #! script whose interpreter /usr/bin/python9 does not exist in the new root")]
    [InlineData("/etc/script-relative", "is a #! script whose interpreter 'sh' is not an absolute path")]
    [InlineData("/etc/script-empty", "is a #! script that names no interpreter")]
    [InlineData("/etc/script-textinterp", "is a #! script whose interpreter /etc/hostname is not executable (mode 0644) in the new root")]
    [InlineData("/etc/dangling", "does not exist")]
    [InlineData("/etc/escape", "does not exist")]
    [InlineData("/etc/loop", "its symbolic links loop or cannot be read")]
    public void InitCandidateIsCheckedInsideTheNewRoot(string path, string? problem) =>
        Assert.Equal(problem, InitCandidates.Problem(InitRoot(), path));

    [Fact]
    public void InitOrderIsInitParameterThenTheKernels()
    {
        Assert.Equal(["/sbin/init", "/etc/init", "/bin/init", "/bin/sh"], InitCandidates.Order(null));
        Assert.Equal(["/etc/hostname", "/sbin/init", "/etc/init", "/bin/init", "/bin/sh"], InitCandidates.Order("/etc/hostname"));
        Assert.Equal(["/bin/sh", "/sbin/init", "/etc/init", "/bin/init"], InitCandidates.Order("/bin/sh"));
        var c = InitCandidates.Check(InitRoot(), "/etc/hostname");
        Assert.Equal(["/sbin/init", "/bin/sh"], c.Where(x => x.IsGood).Select(x => x.Path));
        Assert.False(c[0].IsGood);
    }

    // ---- copytoram: a budget, a capped tmpfs, and a copy that reports instead of failing the boot ----

    [Theory]
    [InlineData(ImageCopy.Yes, 600, 400, false, "600 MiB image + 256 MiB margin > 400 MiB available")]
    [InlineData(ImageCopy.Yes, 100, 400, false, null)]
    [InlineData(ImageCopy.Yes, 144, 400, false, null)]
    [InlineData(ImageCopy.Yes, 145, 400, false, "145 MiB image + 256 MiB margin > 400 MiB available")]
    [InlineData(ImageCopy.Yes, 100, 400, true, null)]   // toram from a CD is what toram is for
    [InlineData(ImageCopy.Yes, 100, 0, false, "100 MiB image + 256 MiB margin > 0 MiB available")]
    [InlineData(ImageCopy.Auto, 100, 4000, false, null)]
    [InlineData(ImageCopy.Auto, 100, 2000, false, "100 MiB image + 2048 MiB margin > 2000 MiB available")]
    [InlineData(ImageCopy.Auto, 100, 4000, true, "the medium is an optical drive")]
    [InlineData(ImageCopy.Auto, 4096, 100_000, false, "the image is 4096 MiB, not under 4096 MiB")]
    [InlineData(ImageCopy.No, 1, 100_000, false, "copy to RAM is off")]
    public void CopyToRamBudget(ImageCopy mode, long imageMiB, long availMiB, bool optical, string? refusal) =>
        Assert.Equal(refusal, RamCopy.Refusal(mode, imageMiB << 20, availMiB << 20, optical));

    [Fact]
    public void CopyToRamTmpfsIsCappedAtTheImage()
    {
        Assert.Equal((1L << 20) + 4096, RamCopy.TmpfsBytes(1));
        Assert.Equal((600L << 20) + (1L << 20), RamCopy.TmpfsBytes(600L << 20));
        Assert.Equal(123L << 20, RamCopy.MemAvailable(["MemTotal:  500000 kB", "MemAvailable:   125952 kB", "Cached: 1 kB"]));
        Assert.Equal(0, RamCopy.MemAvailable(["MemTotal:  500000 kB"]));
    }

    [Fact]
    public void CopyToRamReportsShortLongAndFailedCopies()
    {
        var data = new byte[3 << 20];
        new Random(1).NextBytes(data);
        var to = new MemoryStream();
        Assert.Null(RamCopy.Copy(new MemoryStream(data), to, data.Length));
        Assert.Equal(data, to.ToArray());
        Assert.StartsWith("short copy: the source ended after 3145728 of 4194304 bytes",
            RamCopy.Copy(new MemoryStream(data), new MemoryStream(), 4 << 20));
        var longer = new MemoryStream();
        Assert.Contains("longer than", RamCopy.Copy(new MemoryStream(data), longer, 1 << 20));
        Assert.Equal(1 << 20, longer.Length);   // never more than the budget
        Assert.Contains("No space left on device after 1 of 3 MiB",
            RamCopy.Copy(new MemoryStream(data), new FullAfter(1 << 20), data.Length));
        Assert.Contains("Input/output error after 2 of 3 MiB",
            RamCopy.Copy(new FailingRead(new MemoryStream(data), 2 << 20), new MemoryStream(), data.Length));
    }

    /// <summary>A tmpfs that fills up: ENOSPC after <paramref name="room"/> bytes.</summary>
    private sealed class FullAfter(long room) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Length + count > room) throw new IOException("No space left on device");
            base.Write(buffer, offset, count);
        }
    }

    /// <summary>A medium with a bad sector: EIO once <paramref name="good"/> bytes were read.</summary>
    private sealed class FailingRead(Stream inner, long good) : Stream
    {
        private long _read;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_read >= good) throw new IOException("Input/output error");
            var n = inner.Read(buffer, offset, (int)Math.Min(count, good - _read));
            _read += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    // ---- the log PID 1 reports through never throws, even after it was closed ----

    private static (BootLog Log, string Kmsg, string Console) TestLog()
    {
        var dir = Repo.TempDir("log");
        var (kmsg, console) = (Path.Combine(dir, "kmsg"), Path.Combine(dir, "console"));
        File.WriteAllText(kmsg, "");
        File.WriteAllText(console, "");
        return (new BootLog(kmsg, console), kmsg, console);
    }

    [Fact]
    public void BootLogWritesAfterDisposeWithoutThrowing()
    {
        var (log, kmsg, _) = TestLog();
        log.Open();
        log.Error("before dispose");
        log.Dispose();
        log.Error("after dispose");   // this threw ObjectDisposedException when switch_root closed the log
        log.Console("after dispose\n");
        log.Dispose();
        var text = File.ReadAllText(kmsg);
        Assert.Contains("<3>liveinit: error: before dispose\n", text);
        Assert.DoesNotContain("after dispose", text);
        log.Open();   // (a file, unlike /dev/kmsg, is then written from its start again)
        log.Warn("reopened");
        Assert.Contains("<4>liveinit: warning: reopened\n", File.ReadAllText(kmsg));
    }

    [Fact]
    public void EmergencyHandlerReportsAndReturnsWhenNotPid1EvenWithoutPlan()
    {
        var (log, kmsg, console) = TestLog();
        Assert.Equal(1, Emergency.Handle(log, null, null, [], "failure before the plan existed"));
        Assert.Contains("error: failure before the plan existed", File.ReadAllText(kmsg));
        var plan = DialectSelector.Plan(KernelCommandLine.Parse("archisolabel=A rd.shell=0"));
        log.Dispose();   // a closed log does not stop the report
        Assert.Equal(1, Emergency.Handle(log, plan, null, ["a step"], "the medium did not appear\nsecond line"));
        Assert.Contains("<3>liveinit: error: the medium did not appear\n", File.ReadAllText(kmsg));
        var report = File.ReadAllText(console);
        Assert.Contains("*** LiveInit could not boot the live system ***", report);
        Assert.Contains("failure:   poweroff (rd.shell=0)", report);
    }
}
