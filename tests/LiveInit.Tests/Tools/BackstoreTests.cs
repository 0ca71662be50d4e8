using LiveInit.Devices;
using LiveInit.Native;
using LiveInit.Tools.Backstore;
using LiveInit.Tools.Common;

namespace LiveInit.Tests.Tools;

/// <summary>backstore create and grow on image files in a tmpfs: the boot's layout, data kept, never shrunk,
/// online growth of a mounted store.</summary>
public class BackstoreTests
{
    private static BackingStore Store(MountTable? m = null) => new(new Say("test"), m ?? MountTable.Read());

    [Fact]
    public void CreateMakesTheLayoutTheBootExpects()
    {
        if (!Repo.Has("mke2fs")) return;
        using var s = new Scratch("bs-create");
        var file = Path.Combine(s.Root, "sysrcd.bs");
        Store().Create(file, 16);
        Assert.Equal(16L << 20, new FileInfo(file).Length);
        Assert.True(new FileInfo(file).Length <= (Libc.Stat(file).Blocks * 512), "the blocks are allocated, not sparse");
        var (_, ls, _) = Repo.Run("debugfs", "-R", "ls -l /", file);
        Assert.Contains("upperdir", ls);
        Assert.Contains("workdir", ls);
        Assert.Equal("backstore", Repo.Run("blkid", "-s", "LABEL", "-o", "value", file).Out.Trim());
        Assert.Empty(Directory.GetFiles(s.Root, ".*"));
        Assert.Contains("already exists", Assert.Throws<ToolFailure>(() => Store().Create(file, 16)).Message);
    }

    [Fact]
    public void CreateRefusesWhenTheSpaceIsShortAndLeavesNothing()
    {
        using var s = new Scratch("bs-short");
        var file = Path.Combine(s.Root, "big.bs");
        Assert.Contains("free", Assert.Throws<ToolFailure>(() => Store().Create(file, 100_000)).Message);
        Assert.Empty(Directory.GetFileSystemEntries(s.Root));
    }

    [Fact]
    public void GrowOfflineKeepsTheDataAndRefusesToShrink()
    {
        if (!Repo.Has("resize2fs")) return;
        using var s = new Scratch("bs-grow");
        var file = Path.Combine(s.Root, "store.bs");
        Store().Create(file, 16);
        var mp = s.Dir("mnt");
        using (var loop = LoopDevice.Attach(file, readOnly: false)) Libc.Mount(loop.Path, mp, "ext4", 0, null);
        File.WriteAllText(Path.Combine(mp, "upperdir/data"), "precious");
        Libc.Umount(mp);
        Store().Grow(file, 40);
        Assert.Equal(40L << 20, new FileInfo(file).Length);
        var sb = ExtSuperblock.Read(file)!.Value;
        Assert.Equal(40L << 20, sb.Bytes);
        using (var loop = LoopDevice.Attach(file, readOnly: false)) Libc.Mount(loop.Path, mp, "ext4", 0, null);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(mp, "upperdir/data")));
        Libc.Umount(mp);
        Assert.Contains("shrinking", Assert.Throws<ToolFailure>(() => Store().Grow(file, 20)).Message);
        Assert.Equal(40L << 20, new FileInfo(file).Length);
    }

    [Fact]
    public void GrowOnlineWhenTheStoreIsMounted()
    {
        // online resizing (EXT4_IOC_RESIZE_FS) needs CAP_SYS_RESOURCE, which some build sandboxes withhold;
        // the QEMU boot of the tools root proves it in any case
        if (!Repo.Has("resize2fs") || !HasCapability(24)) return;
        using var s = new Scratch("bs-online");
        var file = Path.Combine(s.Root, "store.bs");
        Store().Create(file, 16);
        var mp = s.Dir("mnt");
        using (var loop = LoopDevice.Attach(file, readOnly: false)) s.Mount(loop.Path, mp, "ext4");
        File.WriteAllText(Path.Combine(mp, "upperdir/data"), "live");
        var before = Libc.Statfs(mp);
        Store().Grow(file, 48);
        var after = Libc.Statfs(mp);
        Assert.True((long)after.Blocks * after.BlockSize > (long)before.Blocks * before.BlockSize + (30L << 20));
        Assert.Equal("live", File.ReadAllText(Path.Combine(mp, "upperdir/data")));
    }

    private static bool HasCapability(int bit) =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:")) is { } l
        && (Convert.ToUInt64(l[7..].Trim(), 16) & (1UL << bit)) != 0;

    [Fact]
    public void ExtSuperblockSizes()
    {
        var sb = new byte[1024];
        sb[0x38] = 0x53; sb[0x39] = 0xEF;
        sb[0x18] = 2;                       // 4096-byte blocks
        BitConverter.GetBytes(1000u).CopyTo(sb, 4);
        BitConverter.GetBytes(250u).CopyTo(sb, 0x0C);
        Assert.Equal(new ExtSuperblock(4096, 1000, 250), ExtSuperblock.Parse(sb));
        sb[0x60] = 0x80;                    // 64bit: high halves count
        BitConverter.GetBytes(1u).CopyTo(sb, 0x150);
        Assert.Equal((1L << 32) + 1000, ExtSuperblock.Parse(sb)!.Value.Blocks);
        Assert.Null(ExtSuperblock.Parse(new byte[1024]));
    }
}
