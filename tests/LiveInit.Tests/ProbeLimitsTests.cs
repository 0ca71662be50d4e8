using System.Buffers.Binary;
using System.Text;
using LiveInit.Devices;
using LiveInit.Probe;

namespace LiveInit.Tests;

/// <summary>The limits of <see cref="ProbeSource"/> and what the probers do when they meet them; devices that cannot
/// be probed are "unreadable", never an exception.</summary>
public class ProbeLimitsTests
{
    /// <summary>A source whose reads beyond the head throw, as a buggy or failing layer below a prober would.</summary>
    private sealed class ThrowingSource(byte[] data) : ProbeSource
    {
        public override long Size => data.Length;

        protected override int ReadAt(long offset, Span<byte> buffer)
        {
            if (offset > 0) throw new InvalidOperationException("the layer below failed");
            data.AsSpan(0, buffer.Length).CopyTo(buffer);
            return buffer.Length;
        }
    }

    [Fact]
    public void BudgetCapsEveryReadAfterTheHead()
    {
        var src = new MemoryProbeSource(new byte[16 << 20]);
        Assert.False(src.Read(0, 512).IsEmpty);
        Assert.Equal(ProbeSource.HeadSize, src.BytesRead);
        Assert.False(src.Read(100, 4096).IsEmpty);                     // inside the head: free
        Assert.Equal(ProbeSource.HeadSize, src.BytesRead);
        Assert.True(src.Read(1 << 20, ProbeSource.MaxReadLength + 1).IsEmpty);
        Assert.Contains("64 KiB limit", src.Limit);
        var reads = 0;
        for (long off = 1 << 20; !src.Read(off, 16).IsEmpty; off += 8192) reads++;   // 16 bytes cost a page
        Assert.Equal((ProbeSource.ReadBudget - ProbeSource.HeadSize) / 4096, reads);
        Assert.True(src.BytesRead <= ProbeSource.ReadBudget);
        Assert.True(src.Read(8 << 20, 512).IsEmpty);
        Assert.True(src.Read(0, 512).Length == 512);                    // the head stays readable
    }

    [Fact]
    public void ReadsOutsideTheSourceAreEmpty()
    {
        var src = new MemoryProbeSource(new byte[100_000]);
        Assert.True(src.Read(-1, 10).IsEmpty);
        Assert.True(src.Read(99_995, 10).IsEmpty);
        Assert.True(src.Read(long.MaxValue - 5, 10).IsEmpty);
        Assert.True(src.Read(10, -1).IsEmpty);
        Assert.True(src.Read(10, 0).IsEmpty);
        Assert.Equal(10, src.Read(99_990, 10).Length);
    }

    /// <summary>A GPT of 8192 128-byte entries (1 MiB, the most LiveInit reads) is read in slices with its CRC;
    /// 8193 entries are refused, like every entry size but 128 (libblkid, the kernel).</summary>
    [Theory]
    [InlineData(8192u, 128u, true)]
    [InlineData(128u, 128u, true)]
    [InlineData(8193u, 128u, false)]
    [InlineData(128u, 256u, false)]
    [InlineData(0xFFFFFFFFu, 128u, false)]
    public void GptEntryArrayLimits(uint count, uint entrySize, bool found)
    {
        var img = Gpt(count, entrySize);
        var src = new MemoryProbeSource(img);
        var pt = Prober.ReadPartitionTable(src);
        Assert.Equal(found, pt is not null);
        Assert.True(src.BytesRead <= ProbeSource.ReadBudget);
        if (!found) return;
        Assert.Equal("gpt", pt!.Type);
        var last = Assert.Single(pt.Partitions);
        Assert.Equal((int)count, last.Number);
        Assert.Equal("last one", last.Name);
    }

    /// <summary>exFAT with 4 KiB clusters: the label in the third cluster of the root directory is found across
    /// the chain; a chain that loops back before it, with every entry in use, stops (libblkid's 10000 entries
    /// or the loop, whichever first) and reads little.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExfatRootChain(bool loops)
    {
        const int sector = 512, cluster = 4096, heap = 64;   // heap at sector 64, FAT at sector 24
        var img = new byte[(heap * sector) + 40 * cluster];
        var bs = img.AsSpan();
        Encoding.ASCII.GetBytes("EXFAT   ").CopyTo(bs[3..]);
        BinaryPrimitives.WriteUInt32LittleEndian(bs[0x50..], 24);
        BinaryPrimitives.WriteUInt32LittleEndian(bs[0x58..], heap);
        BinaryPrimitives.WriteUInt32LittleEndian(bs[0x5C..], 40);
        BinaryPrimitives.WriteUInt32LittleEndian(bs[0x60..], 2);
        bs[0x6C] = 9; bs[0x6D] = 3; bs[0x6E] = 1;
        for (var c = 2; c < 5; c++)
            BinaryPrimitives.WriteUInt32LittleEndian(bs[(24 * sector + c * 4)..], c == 4 ? 0xFFFFFFFF : (uint)c + 1);
        if (loops) BinaryPrimitives.WriteUInt32LittleEndian(bs[(24 * sector + 3 * 4)..], 2);   // 2 -> 3 -> 2
        for (var i = heap * sector; i < heap * sector + 3 * cluster; i += 32) img[i] = 0x05;   // deleted entries
        var label = heap * sector + 2 * cluster + 64;
        img[label] = 0x83;
        img[label + 1] = 4;
        Encoding.Unicode.GetBytes("DEEP").CopyTo(img, label + 2);
        var src = new MemoryProbeSource(img);
        var r = Prober.ProbeFilesystem(src);
        Assert.Equal("exfat", r.Get("TYPE"));
        Assert.Equal(loops ? null : "DEEP", r.Get("LABEL"));
        Assert.True(src.BytesRead < 256 * 1024, $"{src.BytesRead} bytes read");
    }

    /// <summary>A 32 MiB exFAT cluster of entries in use: libblkid's 10000 entries (313 KiB), read in slices.</summary>
    [Fact]
    public void ExfatBigClusterIsScannedInSlices()
    {
        var dir = Repo.TempDir("exfat");
        try
        {
            var img = Path.Combine(dir, "x.img");
            CraftedImages.Exfat(img, 2);
            using var src = new FileProbeSource(img);
            var r = Prober.Probe(src);
            Assert.Equal("exfat", r.Get("TYPE"));
            Assert.Null(r.Get("LABEL"));
            Assert.Null(r.Problem);
            Assert.InRange(src.BytesRead, 10000 * 32, 10000 * 32 + ProbeSource.HeadSize + 64 * 1024);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>FAT32 whose root chain loops through 64 clusters of 512 KiB (8 KiB of deleted entries each): three
    /// 4 KiB slices and one FAT read per cluster, 64 clusters (the loop is seen), not 32 MiB nor libblkid's 99.</summary>
    [Fact]
    public void Fat32LoopingRootChainStops()
    {
        var dir = Repo.TempDir("fat32");
        try
        {
            var img = Path.Combine(dir, "f.img");
            CraftedImages.Fat32LoopingRoot(img);
            using var src = new FileProbeSource(img);
            var r = Prober.Probe(src);
            Assert.Equal("vfat", r.Get("TYPE"));
            Assert.Equal(ProbeSource.HeadSize + 64 * 4 * 4096, src.BytesRead);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>An ext4 image whose unused first sector also holds a FAT16 boot sector with its root directory
    /// beyond the head: the vfat prober's read throws, the prober is skipped and ext4 is still found; with the
    /// ext4 superblock gone the device is unreadable, with the reason.</summary>
    [Fact]
    public void AProberThatThrowsIsSkippedAndReported()
    {
        var dir = Repo.TempDir("ext");
        try
        {
            var img = Path.Combine(dir, "e.img");
            using (var f = File.Create(img)) f.SetLength(8 << 20);
            Assert.Equal(0, Repo.Run("bash", "-c", $"PATH=$PATH:/sbin mkfs.ext4 -q -F -L ok {img}").Code);
            var data = File.ReadAllBytes(img);
            var bs = data.AsSpan(0, 512);
            bs[0] = 0xEB; bs[1] = 0x3C; bs[2] = 0x90;
            BinaryPrimitives.WriteUInt16LittleEndian(bs[0x0B..], 512);
            bs[0x0D] = 4;
            BinaryPrimitives.WriteUInt16LittleEndian(bs[0x0E..], 200);   // root directory at (200 + 2 x 16) x 512
            bs[0x10] = 2;
            BinaryPrimitives.WriteUInt16LittleEndian(bs[0x11..], 512);
            BinaryPrimitives.WriteUInt16LittleEndian(bs[0x13..], 16384);
            bs[0x15] = 0xF8;
            BinaryPrimitives.WriteUInt16LittleEndian(bs[0x16..], 16);
            Encoding.ASCII.GetBytes("FAT16   ").CopyTo(bs[0x36..]);
            bs[510] = 0x55; bs[511] = 0xAA;
            Assert.Equal("vfat", Prober.ProbeFilesystem(new MemoryProbeSource(data)).Get("TYPE"));

            var r = Prober.Probe(new ThrowingSource(data));
            Assert.Equal("ext4", r.Get("TYPE"));
            Assert.Equal("ok", r.Get("LABEL"));
            Assert.False(r.IsUnreadable);
            Assert.Equal("vfat prober failed: InvalidOperationException: the layer below failed", r.Problem);

            Array.Clear(data, 1024, 1024);
            var none = Prober.Probe(new ThrowingSource(data));
            Assert.True(none.IsUnreadable);
            Assert.Equal("vfat prober failed: InvalidOperationException: the layer below failed", none.Problem);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void ADeviceThatCannotBeOpenedIsUnreadable()
    {
        var dev = new BlockDevice("liveinit-no-such-disk", 254, 0, 1 << 20, false, false, 0, null, 0);
        var p = ProbedDevice.Of(dev);
        Assert.True(p.Probe.IsUnreadable);
        Assert.StartsWith("/dev/liveinit-no-such-disk: unreadable (open /dev/liveinit-no-such-disk: ENOENT", p.Summary());
    }

    private static byte[] Gpt(uint count, uint entrySize)
    {
        var arrayBytes = (long)Math.Min((ulong)count * entrySize, 2 << 20);
        var img = new byte[1024 + arrayBytes + (1 << 20)];
        img[446 + 4] = 0xEE;
        img[510] = 0x55; img[511] = 0xAA;
        var lastLba = img.Length / 512 - 1;
        var entries = img.AsSpan(1024, (int)arrayBytes);
        if (count <= 8192 && entrySize == 128)
        {
            var e = entries.Slice((int)(count - 1) * 128, 128);
            e[0] = 0x0F; e[16] = 0x1D;
            BinaryPrimitives.WriteUInt64LittleEndian(e[32..], 2048);
            BinaryPrimitives.WriteUInt64LittleEndian(e[40..], 4095);
            Encoding.Unicode.GetBytes("last one").CopyTo(e[56..]);
        }
        var h = img.AsSpan(512, 512);
        Encoding.ASCII.GetBytes("EFI PART").CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], 0x00010000);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 92);
        BinaryPrimitives.WriteUInt64LittleEndian(h[24..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(h[32..], (ulong)lastLba);
        BinaryPrimitives.WriteUInt64LittleEndian(h[40..], (ulong)(2 + arrayBytes / 512));
        BinaryPrimitives.WriteUInt64LittleEndian(h[48..], (ulong)lastLba - 1);
        BinaryPrimitives.WriteUInt64LittleEndian(h[72..], 2);
        BinaryPrimitives.WriteUInt32LittleEndian(h[80..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(h[84..], entrySize);
        BinaryPrimitives.WriteUInt32LittleEndian(h[88..], Crc32.Compute(entries));
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], Crc32.Compute(h[..92]));
        return img;
    }
}
