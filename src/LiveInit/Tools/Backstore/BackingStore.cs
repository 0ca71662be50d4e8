using LiveInit.Native;
using LiveInit.Tools.Common;

namespace LiveInit.Tools.Backstore;

/// <summary>
/// <c>liveinit backstore create|grow FILE SIZE_MB</c> (SystemRescueCd's sysresccd-backstore). A backing store is an
/// ext4 image whose top holds <c>upperdir/</c> and <c>workdir/</c>, the layout the boot mounts as the writable
/// layer (<c>sysrcd.bs</c> at the root of a removable device, or <c>backstore=/path</c>). Create allocates the file
/// for real (a store must never hit a full disk later), makes the filesystem with mke2fs -d, and renames it into
/// place. Grow never shrinks and never loses data: offline it checks (e2fsck -f), extends the file and runs
/// resize2fs, restoring the old length if resize2fs did not change the filesystem; when the store is the mounted
/// writable layer of the running system it extends the file, tells the loop device (LOOP_SET_CAPACITY) and grows
/// the mounted filesystem online.
/// </summary>
public sealed class BackingStore(Say say, MountTable mounts)
{
    public const string Label = "backstore";
    public static readonly string[] Layout = ["upperdir", "workdir"];

    public int Create(string file, long sizeMiB)
    {
        var path = Path.GetFullPath(file);
        if (Libc.TryLstat(path, out _)) throw new ToolFailure($"{path} already exists; to make it larger use "
            + $"'liveinit backstore grow {path} SIZE_MB'");
        if (sizeMiB < 8) throw new ToolFailure("a backing store needs at least 8 MiB");
        var bytes = sizeMiB << 20;
        var dir = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(dir)) throw new ToolFailure($"the folder {dir} does not exist (is the device mounted?)");
        FileSpace.Require(dir, bytes, $"a {sizeMiB} MiB backing store");
        if (ExternalTool.Find("mkfs.ext4") is null) ExternalTool.Require("mke2fs", "make the ext4 filesystem of the store");
        using var result = new AtomicOutput(path);
        say.Step($"allocating {sizeMiB} MiB for {path}");
        File.WriteAllBytes(result.TempPath, []);
        FileSpace.Extend(result.TempPath, bytes, "allocating");
        Ext4Tools.Make(result.TempPath, Label, Layout, say);
        FileSpace.Reserve(result.TempPath);
        result.Commit();
        say.Step($"created {path}: {sizeMiB} MiB ext4 \"{Label}\" with upperdir/ and workdir/");
        say.Step(Path.GetFileName(path) == "sysrcd.bs" && dir == MountPointOf(dir)
            ? "it is found at boot on removable devices (backstore=alldev for all devices)"
            : $"boot with backstore=/{Path.GetRelativePath(MountPointOf(dir), path)} (add alldev, when the device is "
                + "not removable)");
        return 0;
    }

    public int Grow(string file, long sizeMiB)
    {
        var path = Path.GetFullPath(file);
        if (!Libc.TryStat(path, out var st) || !st.IsRegular) throw new ToolFailure($"{path} is not a backing store file");
        var newBytes = sizeMiB << 20;
        if (newBytes < st.Size)
            throw new ToolFailure($"{path} is {st.Size >> 20} MiB; shrinking a store is refused (it could lose "
                + $"data). Give a size above {st.Size >> 20} MiB");
        if (newBytes == st.Size) { say.Step($"{path} is already {sizeMiB} MiB: nothing to do"); return 0; }
        var before = ExtSuperblock.Read(path) ?? throw new ToolFailure($"{path} holds no ext2/3/4 filesystem: it is "
            + "not a backing store");
        FileSpace.Require(Path.GetDirectoryName(path)!, newBytes - st.Size,
            $"growing {path} by {(newBytes - st.Size) >> 20} MiB");
        var loops = LoopBacking.DevicesOf(path);
        if (loops.Count > 1) throw new ToolFailure($"{path} is attached to {string.Join(" and ", loops)}; detach all "
            + "but the mounted one first");
        if (loops.Count == 1)
        {
            var mount = mounts.Entries.LastOrDefault(e => e.Source == loops[0]);
            if (mount is null) throw new ToolFailure($"{path} is attached to {loops[0]} but not mounted; detach it "
                + $"(losetup -d {loops[0]}) and run this again");
            if (mount.ReadOnly) throw new ToolFailure($"{path} is mounted read-only at {mount.MountPoint}; it cannot "
                + "be grown while mounted so");
            return GrowOnline(path, st.Size, newBytes, loops[0], mount.MountPoint);
        }
        return GrowOffline(path, st.Size, newBytes, before);
    }

    private int GrowOffline(string path, long oldBytes, long newBytes, ExtSuperblock before)
    {
        ExternalTool.Require("resize2fs", "grow the filesystem of the store");
        Ext4Tools.Check(path, say);
        say.Step($"extending {path} from {oldBytes >> 20} to {newBytes >> 20} MiB");
        FileSpace.Extend(path, newBytes, "extending");
        try { Ext4Tools.Grow(path, say); }
        catch (ToolFailure)
        {
            if (ExtSuperblock.Read(path) is { } sb && sb.Blocks == before.Blocks)
            {
                using var fd = Libc.Open(path, Libc.O_RDWR);
                Libc.Ftruncate(fd, oldBytes, path);
                Libc.Fsync(fd, path);
                say.Warn($"the filesystem was not changed; {path} is back to {oldBytes >> 20} MiB");
            }
            throw;
        }
        Report(path, before);
        return 0;
    }

    private int GrowOnline(string path, long oldBytes, long newBytes, string loop, string mountPoint)
    {
        var before = ExtSuperblock.Read(loop)!.Value;
        ExternalTool.Require("resize2fs", "grow the mounted filesystem of the store");
        say.Step($"{path} is in use ({loop} mounted at {mountPoint}): growing it online");
        FileSpace.Extend(path, newBytes, "extending");
        LoopBacking.SetCapacity(loop);
        try { Ext4Tools.Grow(loop, say); }
        catch (ToolFailure)
        {
            if (ExtSuperblock.Read(loop) is { } sb && sb.Blocks == before.Blocks)
            {
                using (var fd = Libc.Open(path, Libc.O_RDWR)) Libc.Ftruncate(fd, oldBytes, path);
                LoopBacking.SetCapacity(loop);
                say.Warn($"the filesystem was not changed; {path} is back to {oldBytes >> 20} MiB");
            }
            throw;
        }
        var fs = Libc.Statfs(mountPoint);
        say.Step($"grown online: {mountPoint} went from {before.Bytes >> 20} MiB to "
            + $"{((long)fs.Blocks * fs.BlockSize) >> 20} MiB "
                 + $"({Say.Size((long)fs.BlocksAvailable * fs.BlockSize)} free)");
        return 0;
    }

    private void Report(string target, ExtSuperblock before)
    {
        var after = ExtSuperblock.Read(target) ?? before;
        say.Step($"grown: the filesystem went from {before.Bytes >> 20} MiB to {after.Bytes >> 20} MiB "
            + $"({Say.Size(after.FreeBytes)} free)");
    }

    private string MountPointOf(string dir) => mounts.ForPath(dir)?.MountPoint ?? "/";
}
