using System.Text;
using LiveInit.Devices;
using LiveInit.Probe;
using LiveInit.Text;

namespace LiveInit.Tests;

/// <summary>On-disk strings never reach a terminal raw: a label holding ESC [ 2 J (clear screen) and a newline is
/// printed escaped on the console and in the log (<see cref="ProbedDevice.Summary"/>), and `liveinit probe`
/// escapes it exactly as blkid -p -o export does.</summary>
public class LabelEscapingTests
{
    private const string Hostile = "\u001b[2J\nEVIL é";

    [Theory]
    [InlineData(Hostile, @"\x1b[2J\x0aEVIL é")]
    [InlineData("plain label", "plain label")]
    [InlineData("back\\slash", @"back\\slash")]
    [InlineData("tab\tdel\u007f", @"tab\x09del\x7f")]
    [InlineData("csi\u009b31m", @"csi\xc2\x9b31m")]
    [InlineData("rtl\u202eoverride", @"rtl\xe2\x80\xaeoverride")]
    [InlineData("línea 日本", "línea 日本")]
    public void ConsoleTextEscapes(string raw, string shown) => Assert.Equal(shown, ConsoleText.Escape(raw));

    [Fact]
    public void BytesThatAreNotUtf8AreShownAsHex()
    {
        Assert.Equal(@"a\xff\xc3b", ConsoleText.Escape([(byte)'a', 0xFF, 0xC3, (byte)'b']));
        Assert.Equal("\"say \\\"hi\\\"\"", ConsoleText.Quoted("say \"hi\""));
    }

    [Fact]
    public void SummaryEscapesLabelAndUuid()
    {
        var r = new ProbeResult();
        r.Set("TYPE", "ext4");
        r.Set("LABEL", Encoding.UTF8.GetBytes(Hostile));
        r.Set("UUID", "\u001b]0;title\u0007");
        var dev = new BlockDevice("vdb", 254, 16, 64 << 20, false, false, 0, null, 0);
        var line = new ProbedDevice(dev, r).Summary();
        Assert.Equal(@"/dev/vdb: ext4 LABEL=""\x1b[2J\x0aEVIL é"" UUID=\x1b]0;title\x07 size 64 MiB", line);
        Assert.DoesNotContain(line, c => c < ' ' || c == '\u007f');
    }

    /// <summary>A real ext4 with that label (mkfs.ext4 writes it, checksums included): the agent's export lines
    /// equal blkid's, byte for byte, and hold no control character; the JSON escapes it too.</summary>
    [Fact]
    public void ProbeOutputIsEscapedLikeBlkid()
    {
        var dir = Repo.TempDir("label");
        try
        {
            var img = Path.Combine(dir, "e.img");
            using (var f = File.Create(img)) f.SetLength(8 << 20);
            var (code, _, err) = Repo.Run("/sbin/mkfs.ext4", "-q", "-F", "-L", Hostile, img);
            Assert.True(code == 0, err);
            var (ecode, export, _) = Repo.Run(Repo.Agent, "probe", img);
            Assert.Equal(0, ecode);
            var (_, blkid, _) = Repo.Run("blkid", "-p", "-o", "export", img);
            var label = export.Split('\n').Single(l => l.StartsWith("LABEL=", StringComparison.Ordinal));
            Assert.Equal(blkid.Split('\n').Single(l => l.StartsWith("LABEL=", StringComparison.Ordinal)), label);
            Assert.Equal(@"LABEL=^[[2J^JEVIL\ M-CM-)", label);
            Assert.DoesNotContain(export, c => c < ' ' && c != '\n');
            var (_, json, _) = Repo.Run(Repo.Agent, "probe", "--format", "json", img);
            Assert.Contains(@"""LABEL"": ""\u001B[2J\nEVIL é""", json);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
