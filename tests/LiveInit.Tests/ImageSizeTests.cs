using System.IO.Compression;
using System.Text;
using LiveInit.Cli;
using LiveInit.Initramfs;

namespace LiveInit.Tests;

/// <summary>The small image: every archive compression the kernel unpacks (checked by decompressing with the
/// host's own tool), the agent in an uncompressed first archive, and no busybox where no shell can start.</summary>
public class ImageSizeTests
{
    private static (string Mods, string Agent, string Busybox) Inputs()
    {
        var dir = Repo.TempDir("imagesize");
        var mods = Path.Combine(dir, "lib/modules/6.0.0-test");
        Directory.CreateDirectory(mods);
        File.WriteAllText(Path.Combine(mods, "modules.dep"), "");
        File.WriteAllText(Path.Combine(mods, "modules.alias"), "");
        var agent = Path.Combine(dir, "agent");
        File.WriteAllText(agent, "AGENT-BYTES " + new string('a', 5000));
        var bb = Path.Combine(dir, "busybox");
        File.WriteAllText(bb, "BUSYBOX-BYTES");
        return (mods, agent, bb);
    }

    private static byte[] Build(string compression, bool early, string? busybox = null)
    {
        var (mods, agent, _) = Inputs();
        using var ms = new MemoryStream();
        InitramfsBuilder.Build(agent, ModuleSet.Load(mods), "6.0.0-test", [], busybox, ms, null, null,
            compression: compression, agentEarly: early);
        return ms.ToArray();
    }

    private static byte[] Unpack(string tool, byte[] data, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(tool)
        { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = Task.Run(() => { using var o = new MemoryStream(); p.StandardOutput.BaseStream.CopyTo(o); return o.ToArray(); });
        p.StandardInput.BaseStream.Write(data);
        p.StandardInput.Close();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output.Result;
    }

    [Theory]
    [InlineData("gzip", new byte[] { 0x1F, 0x8B }, "gzip")]
    [InlineData("zstd", new byte[] { 0x28, 0xB5, 0x2F, 0xFD }, "zstd")]
    [InlineData("lz4", new byte[] { 0x02, 0x21, 0x4C, 0x18 }, "lz4")]   // the legacy frame: what the kernel reads
    [InlineData("xz", new byte[] { 0xFD, 0x37, 0x7A, 0x58, 0x5A }, "xz")]
    public void EachCompressionIsWhatTheKernelUnpacks(string method, byte[] magic, string tool)
    {
        var bytes = Build(method, early: false);
        Assert.Equal(magic, bytes[..magic.Length]);
        var cpio = Encoding.Latin1.GetString(Unpack(tool, bytes, "-d", "-c"));
        Assert.StartsWith("070701", cpio);
        Assert.Contains("AGENT-BYTES", cpio);
        Assert.Contains("TRAILER!!!", cpio);
    }

    [Fact]
    public void NoneIsAPlainCpio() =>
        Assert.StartsWith("070701", Encoding.Latin1.GetString(Build("none", early: false)));

    [Fact]
    public void TheAgentEarlyIsAnUncompressedArchiveOfItsOwnThenTheRestCompressed()
    {
        var bytes = Build("gzip", early: true);
        var text = Encoding.Latin1.GetString(bytes);
        Assert.StartsWith("070701", text);
        var trailer = text.IndexOf("TRAILER!!!", StringComparison.Ordinal);
        Assert.True(trailer > text.IndexOf("AGENT-BYTES", StringComparison.Ordinal));
        var second = text.IndexOf("\x1F\x8B", trailer, StringComparison.Ordinal);
        Assert.Equal(0, second % 4);   // the kernel finds the next archive on a 4-byte boundary after zero padding
        Assert.True(bytes[trailer..second].Skip(12).All(b => b == 0 || b == (byte)'!'));
        using var gz = new GZipStream(new MemoryStream(bytes[second..]), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        gz.CopyTo(raw);
        var rest = Encoding.Latin1.GetString(raw.ToArray());
        Assert.DoesNotContain("AGENT-BYTES", rest);
        Assert.Contains("lib/modules/6.0.0-test", rest);
    }

    [Fact]
    public void AnUnknownCompressionIsAUsageError()
    {
        var (mods, agent, _) = Inputs();
        var e = Assert.Throws<UsageException>(() => MkinitramfsCommand.Run(
            ["--modules-root", mods, "--output", Path.Combine(Repo.TempDir("imagesize-out"), "i.img"), "--agent", agent,
             "--compress", "bzip3"]));
        Assert.Contains("--compress takes gzip, zstd, lz4, xz, none, not 'bzip3'", e.Message);
    }

    [Theory]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "--emergency", "shell" }, true)]
    [InlineData(new[] { "--emergency", "reboot" }, false)]
    [InlineData(new[] { "--emergency", "poweroff" }, false)]
    [InlineData(new[] { "--no-shell" }, false)]
    public void BusyboxOnlyWhereAShellCanStart(string[] extra, bool hasBusybox)
    {
        var (mods, agent, bb) = Inputs();
        var output = Path.Combine(Repo.TempDir("imagesize-out"), "i.img");
        Assert.Equal(0, MkinitramfsCommand.Run(
            ["--modules-root", mods, "--kernel-release", "6.0.0-test", "--output", output, "--agent", agent, "--busybox", bb,
             "--compress", "none", .. extra]));
        var cpio = Encoding.Latin1.GetString(File.ReadAllBytes(output));
        Assert.Equal(hasBusybox, cpio.Contains("BUSYBOX-BYTES"));
        Assert.Equal(hasBusybox, cpio.Contains("bin/sh\0"));
    }
}
