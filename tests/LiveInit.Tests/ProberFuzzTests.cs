using LiveInit.Probe;

namespace LiveInit.Tests;

/// <summary>Random, truncated and bit-flipped buffers: probers may only say "not recognised" (or recognise),
/// never throw, never read beyond the source (MemoryProbeSource returns empty spans out of bounds).</summary>
public class ProberFuzzTests
{
    [Fact]
    public void RandomBuffersNeverThrow()
    {
        var rng = new Random(1234);
        foreach (var size in new[] { 0, 1, 511, 512, 1024, 2047, 4096, 65535, 70000, 1 << 20 })
            for (var i = 0; i < 20; i++)
            {
                var data = new byte[size];
                rng.NextBytes(data);
                var r = Prober.Probe(new MemoryProbeSource(data));
                Assert.NotNull(r);
            }
    }

    [Fact]
    public void TruncatedAndMutatedCorpusImagesNeverThrow()
    {
        var rng = new Random(99);
        var dir = Path.Combine(Repo.Corpus, "images-fs");
        foreach (var name in new[] { "ext4", "vfat", "fat", "ntfs", "exfat", "iso-joliet", "btrfs", "xfs-v5", "luks2", "f2fs", "erofs", "squashfs4", "swap1" })
        {
            var file = Path.Combine(dir, name + ".img.xz");
            if (!File.Exists(file)) continue;
            var data = ProberCorpusTests.Decompress(file);
            foreach (var cut in new[] { 0, 100, 512, 1100, 4096, 33000, 66000, data.Length / 2, data.Length - 1 })
            {
                if (cut > data.Length) continue;
                Prober.Probe(new MemoryProbeSource(data[..cut]));
            }
            for (var round = 0; round < 30; round++)
            {
                var copy = (byte[])data.Clone();
                var limit = Math.Min(copy.Length, 1 << 17);
                for (var k = 0; k < 64; k++) copy[rng.Next(limit)] ^= (byte)(1 << rng.Next(8));
                Prober.Probe(new MemoryProbeSource(copy));
            }
        }
    }

    /// <summary>The corpus image is only the 4 KiB primary header, so this one is made by cryptsetup.</summary>
    [Fact]
    public void Luks2WithDamagedPrimaryHeaderIsFoundByItsBackup()
    {
        var img = Path.Combine(Repo.TempDir("luks"), "l.img");
        using (var f = File.Create(img)) f.SetLength(20 << 20);
        var (code, _, err) = Repo.Run("bash", "-c", $"echo -n pw | PATH=$PATH:/sbin cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --label tst_label --key-file - {img}");
        Assert.True(code == 0, err);
        var data = File.ReadAllBytes(img);
        var good = Prober.ProbeFilesystem(new MemoryProbeSource(data));
        Assert.Equal("crypto_LUKS", good.Get("TYPE"));
        Array.Clear(data, 0, 4096);
        var r = Prober.ProbeFilesystem(new MemoryProbeSource(data));
        Assert.Equal("crypto_LUKS", r.Get("TYPE"));
        Assert.Equal(good.Get("UUID"), r.Get("UUID"));
        Assert.Equal("tst_label", r.Get("LABEL"));
    }

    [Fact]
    public void ZeroesAreNothing() => Assert.True(Prober.Probe(new MemoryProbeSource(new byte[1 << 20])).IsEmpty);

    [Fact]
    public void ExtWithBadMetadataChecksumIsRejected()
    {
        var file = Path.Combine(Repo.Corpus, "images-fs", "ext4.img.xz");
        var data = ProberCorpusTests.Decompress(file);
        var sb = data.AsSpan(1024);
        Assert.Equal("ext4", Prober.ProbeFilesystem(new MemoryProbeSource(data)).Get("TYPE"));
        if ((Bytes.Le32(sb, 0x64) & 0x400) == 0) return;   // no metadata_csum on this image
        data[1024 + 0x78] ^= 0xFF;                         // corrupt the label, keep the old checksum
        Assert.Null(Prober.ProbeFilesystem(new MemoryProbeSource(data)).Get("TYPE"));
    }
}
