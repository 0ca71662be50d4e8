using LiveInit.Boot;

namespace LiveInit.Tests;

/// <summary>The managed MD5 (the static binary has no OpenSSL) against RFC 1321's answers and md5sum.</summary>
public class Md5Tests
{
    [Theory]
    [InlineData("", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("a", "0cc175b9c0f1b6a831c399e269772661")]
    [InlineData("abc", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("message digest", "f96b697d7cb7938d525a2f31aaf161d0")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a")]
    public void Rfc1321Answers(string text, string md5) =>
        Assert.Equal(md5, Md5.HashHex(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(text))));

    [Fact]
    public void SameAsMd5sumAcrossBlockAndBufferBoundaries()
    {
        Assert.True(Repo.Has("md5sum"), "md5sum (coreutils) is needed");
        var dir = Repo.TempDir("md5");
        var rng = new Random(7);
        foreach (var size in new[] { 55, 56, 57, 63, 64, 65, 119, 120, 128, 65535, 65536, 65537, 3 << 20 })
        {
            var bytes = new byte[size];
            rng.NextBytes(bytes);
            var file = Path.Combine(dir, $"f{size}");
            File.WriteAllBytes(file, bytes);
            var r = Repo.Run("md5sum", file);
            Assert.Equal(r.Out.Split(' ')[0], Md5.HashHex(File.OpenRead(file)));
        }
        Directory.Delete(dir, true);
    }
}
