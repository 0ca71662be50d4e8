using LiveInit.Modules;

namespace LiveInit.Tests;

/// <summary>The in-memory .xz decoder against the xz tool, with kbuild's module settings and others.</summary>
public class XzDecoderTests
{
    public static IEnumerable<object[]> Inputs()
    {
        yield return ["empty", Array.Empty<byte>()];
        yield return ["text", System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i % 97} of liveinit\n")))];
        var rnd = new byte[300_000];
        new Random(7).NextBytes(rnd);
        yield return ["random", rnd];
        var mixed = new byte[2_500_000];
        var r = new Random(8);
        for (var i = 0; i < mixed.Length; i++) mixed[i] = (byte)(i % 4096 < 2048 ? r.Next(4) : r.Next(256));
        yield return ["mixed", mixed];
        yield return ["elf", File.ReadAllBytes("/bin/ls")];
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void MatchesTheXzTool(string name, byte[] data)
    {
        var dir = Repo.TempDir("xz-" + name);
        var file = Path.Combine(dir, "data");
        File.WriteAllBytes(file, data);
        foreach (var args in new[] { "--check=crc32 --lzma2=dict=1MiB", "--check=crc64 -6", "--check=none -0", "--check=crc32 -9e" })
        {
            var (code, _, err) = Repo.Run("bash", "-c", $"xz -k -c {args} {file} > {file}.xz");
            Assert.True(code == 0, err);
            var decoded = XzDecoder.Decompress(File.ReadAllBytes(file + ".xz"));
            Assert.True(data.AsSpan().SequenceEqual(decoded), $"{name} with {args}: {decoded.Length} bytes decoded, {data.Length} expected");
        }
    }

    [Fact]
    public void CorruptionIsReportedNotCrashed()
    {
        var dir = Repo.TempDir("xz-bad");
        var file = Path.Combine(dir, "d");
        File.WriteAllBytes(file, File.ReadAllBytes("/bin/ls"));
        Repo.Run("bash", "-c", $"xz -k -c --check=crc32 {file} > {file}.xz");
        var good = File.ReadAllBytes(file + ".xz");
        var rng = new Random(3);
        for (var round = 0; round < 40; round++)
        {
            var bad = (byte[])good.Clone();
            bad[12 + rng.Next(bad.Length - 40)] ^= (byte)(1 << rng.Next(8));
            try { XzDecoder.Decompress(bad); }
            catch (InvalidDataException) { }
        }
        Assert.Throws<InvalidDataException>(() => XzDecoder.Decompress(good.AsSpan(0, good.Length / 2)));
        Assert.Throws<InvalidDataException>(() => XzDecoder.Decompress("not xz at all, not at all"u8));
    }
}
