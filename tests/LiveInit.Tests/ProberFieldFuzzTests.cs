using System.Buffers.Binary;
using System.Diagnostics;
using LiveInit.Probe;

namespace LiveInit.Tests;

/// <summary>
/// Structure-aware fuzzing of every real image of the util-linux corpus the prober tests use: for each image, the
/// superblock (and directory, FAT, MFT, descriptor, table) fields its prober reads are set, one at a time and then
/// several at once, to extreme values (0, 1, all ones, the sign bit alone, sizes, counts and offsets near the
/// image's own size), checksums the prober verifies are recomputed so the mutated fields are believed, and each
/// probe must: let no exception escape, have no prober fail (a prober's exception is a bug even though the
/// prober table survives it), fetch no more than <see cref="ProbeSource.ReadBudget"/> bytes (counted below the
/// budget logic) and finish within <see cref="PerProbe"/>. Seeds are fixed; the whole run stays under 30 s.
/// </summary>
public class ProberFieldFuzzTests
{
    private static readonly TimeSpan PerProbe = TimeSpan.FromSeconds(1), Total = TimeSpan.FromSeconds(30);
    private const int RandomRounds = 48, MaxImage = 16 << 20;

    /// <summary>A field: where it is, how wide, which byte order.</summary>
    private readonly record struct Field(long Offset, int Width, bool BigEndian = false);

    /// <summary>A source that counts every byte it hands to <see cref="ProbeSource"/>, whatever the budget says.</summary>
    private sealed class CountingSource(byte[] data) : ProbeSource
    {
        public long Fetched { get; private set; }
        public override long Size => data.Length;

        protected override int ReadAt(long offset, Span<byte> buffer)
        {
            Fetched += buffer.Length;
            var n = (int)Math.Min(buffer.Length, data.Length - offset);
            data.AsSpan((int)offset, n).CopyTo(buffer);
            return n;
        }
    }

    [Fact]
    public async Task MutatedFieldsOfEveryCorpusImage()
    {
        var total = Stopwatch.StartNew();
        var images = Images().ToList();
        Assert.True(images.Count >= 60, $"only {images.Count} corpus images at {Repo.Corpus}");
        var probes = 0;
        var unpacking = new Stopwatch();
        var next = Task.Run(() => Unpack(images[0].Xz));   // the next image unpacks while this one is fuzzed
        for (var i = 0; i < images.Count; i++)
        {
            var (name, type, _) = images[i];
            unpacking.Start();
            var data = await next;
            unpacking.Stop();
            if (i + 1 < images.Count)
            {
                var xz = images[i + 1].Xz;
                next = Task.Run(() => Unpack(xz));
            }
            var clean = Prober.Probe(new MemoryProbeSource(data));
            Assert.True(clean.Get("TYPE") == type || clean.Get("PTTYPE") == type, $"{name}: the first {data.Length} bytes are not {type}");
            var fields = FieldsOf(type, data).Where(f => f.Offset >= 0 && f.Offset + f.Width <= data.Length).Distinct().ToList();
            Assert.True(fields.Count > 0, $"{name}: no fields for {type}");
            var rng = new Random(Seed(name));
            foreach (var f in fields)
                foreach (var v in Values(f.Width, data.Length))
                {
                    Mutate(name, type, data, [(f, v)]);
                    probes++;
                }
            for (var round = 0; round < RandomRounds; round++)
            {
                var picked = Enumerable.Range(0, rng.Next(2, 5)).Select(_ => fields[rng.Next(fields.Count)]).Distinct()
                    .Select(f => (f, Pick(rng, Values(f.Width, data.Length)))).ToList();
                Mutate(name, type, data, picked);
                probes++;
            }
        }
        Assert.True(total.Elapsed < Total, $"{probes} probes of {images.Count} images took {total.Elapsed}");
        Console.WriteLine($"{probes} mutated probes of {images.Count} images in {total.Elapsed.TotalSeconds:0.0} s"
            + $" ({unpacking.Elapsed.TotalSeconds:0.0} s waiting for xz)");
    }

    /// <summary>The first <see cref="MaxImage"/> bytes of a corpus image (everything the probers read of them: the
    /// clean prefix is checked to be recognised), straight from xz's output.</summary>
    private static byte[] Unpack(string xz)
    {
        var psi = new ProcessStartInfo("sh", ["-c", $"xz -dc '{xz}' | head -c {MaxImage}"]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        using var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        return ms.ToArray();
    }

    /// <summary>Every image the corpus tests compare (one per file), with its type; and the two partition tables.</summary>
    private static IEnumerable<(string Name, string Type, string Xz)> Images()
    {
        var seen = new HashSet<string>();
        foreach (var c in ProberCorpusTests.Cases())
        {
            var (name, image) = ((string)c[0], (string)c[1]);
            if (!seen.Add(image)) continue;
            var exp = ProberCorpusTests.Expected(Path.Combine(Repo.Corpus, "expected", "low-probe-" + name));
            yield return (image, System.Text.Encoding.UTF8.GetString(exp["TYPE"]), Path.Combine(Repo.Corpus, "images-fs", image + ".img.xz"));
        }
        yield return ("gpt", "gpt", Path.Combine(Repo.Corpus, "images-pt", "gpt.img.xz"));
        yield return ("dos+bsd", "dos", Path.Combine(Repo.Corpus, "images-pt", "dos+bsd.img.xz"));
    }

    /// <summary>Applies the values, fixes the checksums, probes, checks, and puts every byte back.</summary>
    private static void Mutate(string name, string type, byte[] data, List<(Field F, ulong V)> changes)
    {
        var undo = new List<(long Offset, byte[] Old)>();
        void Poke(long offset, ReadOnlySpan<byte> bytes)
        {
            if (offset < 0 || offset + bytes.Length > data.Length) return;
            undo.Add((offset, data.AsSpan((int)offset, bytes.Length).ToArray()));
            bytes.CopyTo(data.AsSpan((int)offset));
        }
        foreach (var (f, v) in changes) Poke(f.Offset, Encode(f, v));
        FixChecksums(type, data, Poke);
        var what = $"{name} ({type}): " + string.Join(", ", changes.Select(c => $"{c.F.Width} bytes at 0x{c.F.Offset:x} = 0x{c.V:x}"));
        try
        {
            var src = new CountingSource(data);
            var sw = Stopwatch.StartNew();
            ProbeResult r;
            try { r = Prober.Probe(src); }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"{what}: {e}"); }
            sw.Stop();
            // the read budget may stop a scan; anything else (a prober's exception, a read over the 64 KiB
            // limit, which means a region was not read in slices) is a bug
            Assert.True(r.Problem is null || r.Problem.Contains("read budget of"), $"{what}: {r.Problem}");
            Assert.True(src.Fetched <= ProbeSource.ReadBudget, $"{what}: fetched {src.Fetched} bytes");
            Assert.True(sw.Elapsed < PerProbe, $"{what}: took {sw.Elapsed}");
        }
        finally
        {
            for (var i = undo.Count - 1; i >= 0; i--) undo[i].Old.CopyTo(data.AsSpan((int)undo[i].Offset));
        }
    }

    private static byte[] Encode(Field f, ulong v)
    {
        var b = new byte[8];
        if (!f.BigEndian)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(b, v);
            return b[..f.Width];
        }
        BinaryPrimitives.WriteUInt64BigEndian(b, v);
        return b[(8 - f.Width)..];
    }

    /// <summary>Extreme values for a field of <paramref name="width"/> bytes: 0, 1, all ones, the sign bit, the
    /// largest signed value, and sizes, counts and offsets around the image's own size.</summary>
    private static List<ulong> Values(int width, long imageLength)
    {
        var max = width == 8 ? ulong.MaxValue : (1UL << (8 * width)) - 1;
        var sign = 1UL << (8 * width - 1);
        var l = (ulong)imageLength;
        ulong[] candidates = width == 1
            ? [0, 1, 4, 7, 8, 9, 12, 16, 25, 0x7F, 0x80, 0xF4, 0xFF]
            : [0, 1, 2, max, sign, sign - 1, max - 15, 512, 4096, 1 << 25, l / 512, l, 1UL << 32, 0x7FFFFFF0];
        return candidates.Select(c => c & max).Distinct().ToList();
    }

    private static ulong Pick(Random rng, List<ulong> values) => values[rng.Next(values.Count)];

    private static int Seed(string name)
    {
        var h = 2166136261u;
        foreach (var c in name) h = (h ^ c) * 16777619u;
        return (int)(h & 0x7FFFFFFF);
    }

    /// <summary>The fields each prober reads (see its source), absolute in the image; some found by walking the
    /// clean image's structures (FAT chain start, MFT attributes, UDF descriptors, EBRs).</summary>
    private static IEnumerable<Field> FieldsOf(string type, byte[] d) => type switch
    {
        "vfat" => Vfat(d),
        "exfat" => Exfat(d),
        "ntfs" => Ntfs(d),
        "ext2" or "ext3" or "ext4" or "jbd" => At(1024, (0x5C, 4), (0x60, 4), (0x64, 4), (0x4C, 4), (0x3E, 2), (0x38, 2)),
        "xfs" => At(0, true, (4, 4), (8, 8), (84, 4), (88, 4), (100, 2), (102, 2), (104, 2), (106, 2), (120, 1), (121, 1),
            (122, 1), (123, 1), (124, 1)),
        "btrfs" => At(0x10000, (0xC4, 2)),
        "erofs" => At(1024, (0x08, 4), (0x0C, 1)),
        "f2fs" => At(1024, (4, 2), (6, 2)),
        "iso9660" => Enumerable.Range(0, 6).SelectMany(i => At(0x8000 + i * 2048L, (0, 1), (88, 1))),
        "udf" => Udf(d),
        "swap" => At(1024, (0, 4), (4, 4)).Concat(At(0, (4086, 1))),
        "squashfs" or "squashfs3" => At(0, (28, 2), (30, 2)).Concat(At(0, true, (28, 2))),
        "crypto_LUKS" => At(0, true, (6, 2)),
        "gpt" => Gpt(d),
        "dos" => Dos(d),
        _ => [],
    };

    private static IEnumerable<Field> At(long baseOffset, params (int Off, int Width)[] f) => At(baseOffset, false, f);

    private static IEnumerable<Field> At(long baseOffset, bool bigEndian, params (int Off, int Width)[] f) =>
        f.Select(x => new Field(baseOffset + x.Off, x.Width, bigEndian));

    private static IEnumerable<Field> Vfat(byte[] d)
    {
        foreach (var f in At(0, (0x0B, 2), (0x0D, 1), (0x0E, 2), (0x10, 1), (0x11, 2), (0x13, 2), (0x15, 1), (0x16, 2),
                     (0x20, 4), (0x24, 4), (0x2C, 4), (0x30, 2), (0x1FE, 1)))
            yield return f;
        int sector = Bytes.Le16(d, 0x0B), reserved = Bytes.Le16(d, 0x0E), fats = d[0x10];
        uint fatLength = Bytes.Le16(d, 0x16);
        if (fatLength == 0)
        {
            // FAT32: the FAT entries of the first root clusters, and the first entry of the root directory
            var root = Bytes.Le32(d, 0x2C);
            for (var c = root; c < root + 4; c++) yield return new Field((long)reserved * sector + c * 4L, 4);
            var dataStart = ((long)reserved + (long)fats * Bytes.Le32(d, 0x24)) * sector;
            yield return new Field(dataStart + (root - 2L) * d[0x0D] * sector, 1);
        }
        else
        {
            var rootStart = ((long)reserved + fats * fatLength) * sector;
            for (var i = 0; i < 4; i++) yield return new Field(rootStart + i * 32, 1);
            yield return new Field(rootStart + 11, 1);
        }
    }

    private static IEnumerable<Field> Exfat(byte[] d)
    {
        foreach (var f in At(0, (0x50, 4), (0x54, 4), (0x58, 4), (0x5C, 4), (0x60, 4), (0x6C, 1), (0x6D, 1), (0x6E, 1)))
            yield return f;
        long sector = 1L << d[0x6C], cluster = sector << d[0x6D];
        var root = Bytes.Le32(d, 0x60);
        var fat = Bytes.Le32(d, 0x50) * sector;
        for (var c = root; c < root + 4; c++) yield return new Field(fat + c * 4L, 4);
        var dir = Bytes.Le32(d, 0x58) * sector + (root - 2L) * cluster;
        for (var i = 0; i < 8; i++)
        {
            yield return new Field(dir + i * 32, 1);       // entry type (0x83 = label, 0 = end)
            yield return new Field(dir + i * 32 + 1, 1);   // label length
        }
    }

    private static IEnumerable<Field> Ntfs(byte[] d)
    {
        foreach (var f in At(0, (0x0B, 2), (0x0D, 1), (0x28, 8), (0x30, 8), (0x38, 8), (0x40, 1)))
            yield return f;
        int sector = Bytes.Le16(d, 0x0B), spc = d[0x0D];
        if (spc > 0xF3) spc = 1 << (256 - spc);
        var perRecord = (sbyte)d[0x40];
        long cluster = (long)sector * spc, record = perRecord > 0 ? perRecord * cluster : 1L << -perRecord;
        var vol = (long)Bytes.Le64(d, 0x30) * cluster + 3 * record;
        if (vol < 0 || vol + record > d.Length) yield break;
        yield return new Field(vol + 0x14, 2);
        long off = Bytes.Le16(d, (int)vol + 0x14);
        for (var n = 0; n < 12 && off + 24 <= record; n++)
        {
            var a = vol + off;
            yield return new Field(a, 4);          // type
            yield return new Field(a + 4, 4);      // length
            yield return new Field(a + 8, 1);      // non-resident
            yield return new Field(a + 0x10, 4);   // value length
            yield return new Field(a + 0x14, 2);   // value offset
            var len = Bytes.Le32(d, (int)a + 4);
            if (len == 0 || Bytes.Le32(d, (int)a) == 0xFFFFFFFF) break;
            off += len;
        }
    }

    private static IEnumerable<Field> Udf(byte[] d)
    {
        for (var i = 0; i < 8; i++) yield return new Field(32768 + i * 2048L + 1, 1);   // VRS identifiers
        foreach (var bs in new[] { 512, 1024, 2048, 4096 })
        {
            var avdp = 256L * bs;
            if (avdp + 512 > d.Length || Bytes.Le16(d, (int)avdp) != 2) continue;
            foreach (var f in At(avdp, (12, 4), (16, 4), (20, 4))) yield return f;
            var loc = Bytes.Le32(d, (int)avdp + 20);
            for (var i = 0; i < 8; i++)
            {
                var vd = (loc + (long)i) * bs;
                if (vd + 512 > d.Length) break;
                foreach (var f in At(vd, (0, 2), (12, 4), (24 + 31, 1), (72 + 127, 1), (84 + 127, 1), (240, 2), (84, 1)))
                    yield return f;
            }
        }
    }

    private static IEnumerable<Field> Gpt(byte[] d)
    {
        foreach (var hdr in new[] { 512L, d.Length - 512L })
            foreach (var f in At(hdr, (12, 4), (24, 8), (32, 8), (40, 8), (48, 8), (72, 8), (80, 4), (84, 4)))
                yield return f;
        foreach (var f in At(446, (4, 1), (20, 1))) yield return f;
    }

    private static IEnumerable<Field> Dos(byte[] d)
    {
        for (var i = 0; i < 4; i++)
        {
            var e = 446 + i * 16;
            foreach (var f in At(e, (0, 1), (4, 1), (8, 4), (12, 4))) yield return f;
            if (d[e + 4] is not (0x05 or 0x0F or 0x85)) continue;
            var ebr = Bytes.Le32(d, e + 8) * 512L;   // the first EBR's two entries
            for (var j = 0; j < 2; j++) foreach (var f in At(ebr + 446 + j * 16, (4, 1), (8, 4), (12, 4))) yield return f;
        }
    }

    private delegate void PokeFn(long offset, ReadOnlySpan<byte> bytes);

    /// <summary>Recomputes what the prober verifies, so that a mutated field is believed and read further.</summary>
    private static void FixChecksums(string type, byte[] d, PokeFn poke)
    {
        Span<byte> le = stackalloc byte[4];
        switch (type)
        {
            case "ext2" or "ext3" or "ext4" or "jbd" when (Bytes.Le32(d, 1024 + 0x64) & 0x400) != 0:
                BinaryPrimitives.WriteUInt32LittleEndian(le, Crc32c.Update(~0u, d.AsSpan(1024, 0x3FC)));
                poke(1024 + 0x3FC, le);
                break;
            case "xfs" when (Bytes.Be16(d, 100) & 0xF) == 5:
                var sect = Bytes.Be16(d, 102);
                if (sect < 512 || sect > 32768 || sect > d.Length) break;
                var copy = d.AsSpan(0, sect).ToArray();
                copy[224] = copy[225] = copy[226] = copy[227] = 0;
                BinaryPrimitives.WriteUInt32LittleEndian(le, ~Crc32c.Update(~0u, copy));
                poke(224, le);
                break;
            case "btrfs" when Bytes.Le16(d, 0x10000 + 0xC4) == 0:
                BinaryPrimitives.WriteUInt32LittleEndian(le, ~Crc32c.Update(~0u, d.AsSpan(0x10020, 0x1000 - 0x20)));
                poke(0x10000, le);
                break;
            case "erofs" when (Bytes.Le32(d, 1024 + 8) & 1) != 0 && d[1024 + 0x0C] is > 10 and <= 16
                              && 1 << d[1024 + 0x0C] <= d.Length:
                var block = d.AsSpan(1024, (1 << d[1024 + 0x0C]) - 1024).ToArray();
                block[4] = block[5] = block[6] = block[7] = 0;
                BinaryPrimitives.WriteUInt32LittleEndian(le, Crc32c.Update(~0u, block));
                poke(1024 + 4, le);
                break;
            case "udf":
                foreach (var bs in new[] { 512, 1024, 2048, 4096 })
                {
                    var avdp = 256 * bs;
                    if (avdp + 16 > d.Length || Bytes.Le16(d, avdp) != 2) continue;
                    byte sum = 0;
                    for (var i = 0; i < 16; i++) if (i != 4) sum += d[avdp + i];
                    poke(avdp + 4, [sum]);
                }
                break;
            case "gpt":
                foreach (var hdr in new[] { 512, d.Length - 512 })
                {
                    if (!Bytes.Is(d, hdr, "EFI PART")) continue;
                    ulong count = Bytes.Le32(d, hdr + 80), size = Bytes.Le32(d, hdr + 84), lba = Bytes.Le64(d, hdr + 72);
                    if (count * size is > 0UL and <= 1UL << 22 && lba < (ulong)d.Length / 512
                        && lba * 512 + count * size <= (ulong)d.Length)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(le, Crc32.Compute(d.AsSpan((int)(lba * 512), (int)(count * size))));
                        poke(hdr + 88, le);
                    }
                    var hsz = Bytes.Le32(d, hdr + 12);
                    if (hsz is < 92 or > 512) continue;
                    var h = d.AsSpan(hdr, (int)hsz).ToArray();
                    h[16] = h[17] = h[18] = h[19] = 0;
                    BinaryPrimitives.WriteUInt32LittleEndian(le, Crc32.Compute(h));
                    poke(hdr + 16, le);
                }
                break;
        }
    }
}
