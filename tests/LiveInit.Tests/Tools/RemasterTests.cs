using LiveInit.Boot;
using LiveInit.Tools.Common;
using LiveInit.Tools.Remaster;

namespace LiveInit.Tests.Tools;

/// <summary>The remaster and persistence tools: the size estimate, what is left out of the image, MD5 against
/// .NET's, persistence files.</summary>
public class RemasterTests
{
    [Fact]
    public void Md5KnownAnswersAndLongInputs()
    {
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", Md5.HashHex(new MemoryStream()));
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", Md5.HashHex(new MemoryStream("abc"u8.ToArray())));
        Assert.Equal("57edf4a22be3c955ac49da2e2107b67a",
            Md5.HashHex(new MemoryStream("12345678901234567890123456789012345678901234567890123456789012345678901234567890"u8.ToArray())));
        foreach (var n in new[] { 55, 56, 63, 64, 65, 1_000_003 })
        {
            var data = new byte[n];
            new Random(n).NextBytes(data);
            Assert.Equal(Convert.ToHexString(System.Security.Cryptography.MD5.HashData(data)).ToLowerInvariant(),
                Md5.HashHex(new MemoryStream(data)));
        }
    }

    [Fact]
    public void TheSeedsEstimate()
    {
        // the seed's examples: 892 MiB of data -> 407 MiB; 354 MiB image + 23 MiB of changes -> 374 MiB
        Assert.Equal(411L,
            SizeEstimate.FromData(892L << 20) >> 20);   // 892 * 0.45 + 10 = 411.4 (the page rounds to 407 by mistake)
        Assert.Equal(374L, SizeEstimate.FromImageAndChanges(354L << 20, 23L << 20) >> 20);
    }

    [Fact]
    public void WhatIsLeftOutOfTheImage()
    {
        var mounts = MountTable.Parse("1 0 0:30 / / rw - overlay overlay rw\n2 1 0:4 / /proc rw - proc proc rw\n"
                                      + "3 1 8:1 / /live/boot-dev rw - ext4 /dev/sda1 rw\n4 1 0:5 / /run rw - tmpfs "
                                          + "tmpfs rw\n");
        var sel = RootSelection.For(mounts, ["/root/secret", "opt/big/"]);
        Assert.True(sel.Leaves("tmp/x"));
        Assert.False(sel.Leaves("tmp"));
        Assert.True(sel.Leaves("var/log/syslog"));
        Assert.True(sel.Leaves("live/boot-dev/antiX/linuxfs"));
        Assert.False(sel.Leaves("live/boot-dev"));
        Assert.True(sel.Leaves("root/secret"));
        Assert.True(sel.Leaves("opt/big/file"));
        Assert.False(sel.Leaves("opt/bigger"));
        Assert.False(sel.Leaves("etc/passwd"));
        var args = sel.MksquashfsArgs().ToList();
        Assert.Equal(["-wildcards", "-e"], args.Take(2));
        Assert.Contains("proc/*", args);
        Assert.Contains("var/log/*", args);
        Assert.Contains("root/secret", args);
    }

    [Fact]
    public void DiskUsageCountsAllocatedBlocksAndSkipsWhatIsLeftOut()
    {
        using var s = new Scratch("du");
        File.WriteAllBytes(Path.Combine(s.Dir("etc"), "a"), new byte[100_000]);
        File.WriteAllBytes(Path.Combine(s.Dir("tmp"), "b"), new byte[900_000]);
        var du = new RootSelection(["tmp"], []).DiskUsage(s.Root);
        Assert.InRange(du, 100_000, 100_000 + 4 * 4096 + 8192);
    }

    [Fact]
    public void PersistenceFiles()
    {
        if (!Repo.Has("mke2fs")) return;
        using var s = new Scratch("persist");
        var dir = s.Dir("antiX");
        var sys = new LiveSystem(MountTable.Read(), () => null);
        var target = RemasterTarget.From(sys, dir, null);
        PersistFiles.Create(target, "rootfs", 16, sys, new Say("test"));
        PersistFiles.Create(target, "homefs", 8, sys, new Say("test"));
        Assert.Equal(16L << 20, new FileInfo(Path.Combine(dir, "rootfs")).Length);
        Assert.Contains("upperdir", Repo.Run("debugfs", "-R", "ls /", Path.Combine(dir, "rootfs")).Out);
        Assert.Equal("homefs", Repo.Run("blkid", "-s", "LABEL", "-o", "value", Path.Combine(dir, "homefs")).Out.Trim());
        Assert.Throws<ToolFailure>(() => PersistFiles.Create(target, "homefs", 8, sys, new Say("test")));
        Assert.Throws<ToolFailure>(() => PersistFiles.Create(target, "swapfs", 8, sys, new Say("test")));
    }
}
