using LiveInit.Devices;
using LiveInit.Tools.Common;
using LiveInit.Tools.Overlay;

namespace LiveInit.Tests.Tools;

/// <summary>The overlay tools: the device-mapper status and table lines they read, the COW header, and create,
/// resize and reset on files (device-mapper itself is exercised in the QEMU boots).</summary>
public class OverlayTests
{
    [Theory]
    [InlineData("2464/65536 24", 2464L, 65536L, 24L, null)]
    [InlineData("16/32768 16", 16L, 32768L, 16L, null)]
    [InlineData("Invalid", 0L, 0L, 0L, "Invalid")]
    [InlineData("Overflow", 0L, 0L, 0L, "Overflow")]
    public void SnapshotStatusLines(string line, long used, long total, long meta, string? problem)
    {
        var s = SnapshotStatus.Parse(line)!;
        Assert.Equal((used, total, meta, problem), (s.UsedSectors, s.TotalSectors, s.MetadataSectors, s.Problem));
    }

    [Fact]
    public void SnapshotNumbers()
    {
        var s = SnapshotStatus.Parse("8192/32768 32")!;
        Assert.Equal(25.0, s.Percent);
        Assert.Equal(4L << 20, s.UsedBytes);
        Assert.Null(SnapshotStatus.Parse("garbage"));
        Assert.Equal(new SnapshotTable("7:1", "7:2", true, 8), SnapshotTable.Parse("7:1 7:2 P 8"));
        Assert.Equal(new SnapshotTable("253:0", "7:3", false, 16), SnapshotTable.Parse("253:0 7:3 N 16"));
        Assert.True(SnapshotTable.Parse("7:1 7:2 PO 8")!.Persistent);
    }

    [Theory]
    [InlineData("2 253:0 7:2 1000/2048 1 AA 1 core", 1000L, 2048L, "AA", false, false)]
    [InlineData("2 253:0 7:2 2048/2048 1 AA 1 core", 2048L, 2048L, "AA", true, false)]
    [InlineData("2 253:0 7:2 12/2048 1 AD 1 core", 12L, 2048L, "AD", false, true)]
    public void MirrorStatusLines(string line, long inSync, long regions, string health, bool done, bool failed)
    {
        var m = MirrorStatus.Parse(line)!;
        Assert.Equal((inSync, regions, health, done, failed), (m.InSync, m.Regions, m.Health, m.Done, m.Failed));
    }

    [Fact]
    public void CowHeader()
    {
        var b = new byte[16];
        BitConverter.GetBytes(SnapshotHeader.SnapMagic).CopyTo(b, 0);
        BitConverter.GetBytes(0u).CopyTo(b, 4);
        BitConverter.GetBytes(1u).CopyTo(b, 8);
        BitConverter.GetBytes(8u).CopyTo(b, 12);
        var h = SnapshotHeader.Parse(b);
        Assert.True(h.IsSnapshot);
        Assert.Equal((0u, 1u, 8u), (h.Valid, h.Version, h.ChunkSectors));
        Assert.Equal("SnAp", System.Text.Encoding.ASCII.GetString(b, 0, 4));
        Assert.True(SnapshotHeader.Parse(new byte[16]).IsNew);
    }

    private static LiveSystem Fake() => new(MountTable.Read(), () => null);

    [Fact]
    public void CreateMakesTheOverlayAndHomeOnADevice()
    {
        if (!Repo.Has("mke2fs")) return;
        using var s = new Scratch("ov-create");
        var img = Path.Combine(s.Root, "medium.img");
        File.WriteAllBytes(img, new byte[48 << 20]);
        var (code, _, err) = Repo.Run("mkfs.ext4", "-q", "-F", "-L", "MYLIVE", "-U",
            "4c1e0505-0000-4000-8000-00000000abcd", img);
        Assert.True(code == 0, err);
        using var loop = LoopDevice.Attach(img, readOnly: false);
        var files = new OverlayFiles(new OverlayLocator(Fake()), new Say("test"));
        files.Create(loop.Path, 8, 4, overlayfs: false);
        var (_, ls, _) = Repo.Run("debugfs", "-R", "ls -l /LiveOS", img);
        Assert.Contains("overlay-MYLIVE-4c1e0505-0000-4000-8000-00000000abcd", ls);
        Assert.Contains(" 8388608 ", ls);
        Assert.Contains("home.img", ls);
        Assert.DoesNotContain("liveinit-tmp", ls);
        Assert.Contains("already exists", Assert.Throws<ToolFailure>(() => files.Create(loop.Path, 8, null, false)).Message);
    }

    [Fact]
    public void ResizeGrowsResetEmptiesRecoverChecksTheHeader()
    {
        using var s = new Scratch("ov-files");
        var cow = Path.Combine(s.Dir("LiveOS"), "overlay-X-1");
        var header = new byte[1 << 20];
        BitConverter.GetBytes(SnapshotHeader.SnapMagic).CopyTo(header, 0);
        BitConverter.GetBytes(1u).CopyTo(header, 4);
        File.WriteAllBytes(cow, header);
        var files = new OverlayFiles(new OverlayLocator(Fake()), new Say("test"));
        files.Resize(cow, 4);
        Assert.Equal(4L << 20, new FileInfo(cow).Length);
        Assert.Contains("shrinking", Assert.Throws<ToolFailure>(() => files.Resize(cow, 2)).Message);
        Assert.Equal(0, files.Recover(cow, null, null));   // valid: nothing to do
        files.Reset(cow, force: false);
        Assert.True(SnapshotHeader.Read(cow).IsNew);
        Assert.Equal(4L << 20, new FileInfo(cow).Length);
        Assert.Contains("empty", Assert.Throws<ToolFailure>(() => files.Recover(cow, null, null)).Message);
    }
}

/// <summary>overlay status of an overlayfs root, and merge's space check, which refuses before anything is written.</summary>
public class OverlaySpaceTests
{
    [Fact]
    public void StatusOfAnOverlayfsRootReportsItsUpperFilesystem()
    {
        using var s = new Scratch("ov-status");
        var upper = s.Dir("upper");
        File.WriteAllBytes(Path.Combine(upper, "f"), new byte[3 << 20]);
        var sys = new LiveSystem(MountTable.Parse($"1 0 0:30 / / rw - overlay overlay rw,lowerdir=/l,upperdir={upper},workdir=/w\n"), () => null);
        var o = new StringWriter();
        var old = Console.Out;
        Console.SetOut(o);
        try { Assert.Equal(0, OverlayStatus.Run(new OverlayLocator(sys), new Say("test"))); }
        finally { Console.SetOut(old); }
        Assert.Matches(@"overlay: overlayfs, upper .*upper \(in RAM \(tmpfs\)\): 3\.\d MiB used, 25[0-9]\.\d MiB free of 256\.0 MiB", o.ToString());
    }

    [Fact]
    public void MergeRefusesUpFrontWhenSpaceIsShort()
    {
        using var s = new Scratch("ov-space");
        var medium = s.Dir("LiveOS");
        var squash = Path.Combine(medium, "squashfs.img");
        File.WriteAllBytes(squash, new byte[1 << 20]);
        var work = Path.Combine(s.Dir("work"), "liveinit-merge-1");
        var e = Assert.Throws<ToolFailure>(() => OverlayMerge.CheckSpace(false, work, medium, squash, 1L << 30, 1 << 20));
        Assert.Matches("the merged image and its compressed copy needs 1\\.0. GiB but .* free", e.Message);
        OverlayMerge.CheckSpace(false, work, medium, squash, 64L << 20, 4L << 20);
        Assert.Throws<ToolFailure>(() => OverlayMerge.CheckSpace(true, null, medium, squash, 300L << 20, 0));
        Assert.Equal([squash], Directory.GetFiles(s.Root, "*", SearchOption.AllDirectories));
    }
}
