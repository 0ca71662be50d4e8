using LiveInit.Native;
using LiveInit.Tools.Common;

namespace LiveInit.Tests.Tools;

/// <summary>The copy engine of srm pack and srm load, against real overlayfs whiteouts and opaque folders made by
/// the kernel (a file deleted, a folder deleted and made again) in a tmpfs.</summary>
public class TreeCopyTests
{
    /// <summary>lower: keep, change, gone, d/{x,y}, link -> keep; the overlay session: a new file, a changed file, a
    /// deleted file, a folder removed and made again (opaque) with new content, a new setuid file, a hard link
    /// pair.</summary>
    private static (string Lower, string Upper) Session(Scratch s)
    {
        var lower = s.Dir("lower");
        File.WriteAllText(Path.Combine(lower, "keep"), "keep");
        File.WriteAllText(Path.Combine(lower, "change"), "old");
        File.WriteAllText(Path.Combine(lower, "gone"), "bye");
        Directory.CreateDirectory(Path.Combine(lower, "d"));
        File.WriteAllText(Path.Combine(lower, "d/x"), "x");
        File.WriteAllText(Path.Combine(lower, "d/y"), "y");
        File.CreateSymbolicLink(Path.Combine(lower, "link"), "keep");
        var upper = s.Dir("upper");
        var merged = s.Dir("merged");
        s.Overlay(lower, upper, s.Dir("work"), merged);
        File.WriteAllText(Path.Combine(merged, "new"), "new file");
        File.WriteAllText(Path.Combine(merged, "change"), "changed");
        File.Delete(Path.Combine(merged, "gone"));
        Directory.Delete(Path.Combine(merged, "d"), recursive: true);
        Directory.CreateDirectory(Path.Combine(merged, "d"));
        File.WriteAllText(Path.Combine(merged, "d/z"), "z");
        File.WriteAllText(Path.Combine(merged, "suid"), "#!/bin/sh\n");
        Libc.Lchown(Path.Combine(merged, "suid"), 12, 34);
        Libc.Chmod(Path.Combine(merged, "suid"), 0x9ED);   // 04755 (after chown, which clears setuid)
        File.WriteAllText(Path.Combine(merged, "h1"), "hard");
        Libc.Link(Path.Combine(merged, "h1"), Path.Combine(merged, "h2"));
        Libc.Sync();
        return (lower, upper);
    }

    [Fact]
    public void KeepCopiesWhiteoutsAndOpaqueFoldersOfAnUpperLayer()
    {
        using var s = new Scratch("treecopy-keep");
        var (_, upper) = Session(s);
        Assert.True(TreeCopy.IsWhiteout(Libc.Lstat(Path.Combine(upper, "gone"))), "the kernel made a whiteout");
        var staging = s.Dir("staging");
        var copy = new TreeCopy(OverlayMarkers.Keep);
        copy.CopyContent(upper, staging);
        Assert.True(TreeCopy.IsWhiteout(Libc.Lstat(Path.Combine(staging, "gone"))));
        Assert.True(TreeCopy.IsOpaque(Path.Combine(staging, "d")));
        Assert.Equal("z", File.ReadAllText(Path.Combine(staging, "d/z")));
        Assert.Equal("new file", File.ReadAllText(Path.Combine(staging, "new")));
        Assert.Equal("changed", File.ReadAllText(Path.Combine(staging, "change")));
        Assert.False(File.Exists(Path.Combine(staging, "keep")));
        var suid = Libc.Lstat(Path.Combine(staging, "suid"));
        Assert.Equal(0x9EDu, suid.Mode & 0xFFF);
        Assert.Equal((12u, 34u), (suid.Uid, suid.Gid));
        Assert.Equal(Libc.Lstat(Path.Combine(staging, "h1")).Ino, Libc.Lstat(Path.Combine(staging, "h2")).Ino);
        Assert.Equal(1, copy.Stats.Whiteouts);
        Assert.Equal(1, copy.Stats.Opaques);
        Assert.Equal(1, copy.Stats.HardLinks);
        Assert.Empty(Directory.GetFiles(staging, "*.liveinit-tmp", SearchOption.AllDirectories));
        Assert.DoesNotContain(Libc.ListXattrs(Path.Combine(staging, "d")), n => n.StartsWith("trusted.overlay.")
            && n != TreeCopy.OpaqueXattr);
    }

    [Fact]
    public void ApplyCarriesOutDeletionsAndOpaqueFoldersOnAPlainTree()
    {
        using var s = new Scratch("treecopy-apply");
        var (lower, upper) = Session(s);
        var target = s.Dir("target");
        new TreeCopy(OverlayMarkers.Skip).CopyContent(lower, target);   // a copy of the original system
        var copy = new TreeCopy(OverlayMarkers.Apply);
        copy.CopyContent(upper, target);
        Assert.Equal("keep", File.ReadAllText(Path.Combine(target, "keep")));
        Assert.Equal("changed", File.ReadAllText(Path.Combine(target, "change")));
        Assert.Equal("new file", File.ReadAllText(Path.Combine(target, "new")));
        Assert.False(Libc.TryLstat(Path.Combine(target, "gone"), out _));
        Assert.Equal(["z"], Directory.GetFileSystemEntries(Path.Combine(target, "d")).Select(e
            => Path.GetFileName(e)!).ToArray());
        Assert.Equal("keep", new FileInfo(Path.Combine(target, "link")).LinkTarget);
        Assert.DoesNotContain(Libc.ListXattrs(Path.Combine(target, "d")), n => n.StartsWith("trusted.overlay."));
        Assert.Equal(1, copy.Stats.Deleted);
    }

    [Fact]
    public void ApplyThroughAnOverlayRecordsTheChangesInItsUpperLayer()
    {
        // srm load in a live system: the target is the overlay root, so everything lands in its upper layer
        using var s = new Scratch("treecopy-live");
        var (_, upper) = Session(s);
        var staging = s.Dir("staging");
        new TreeCopy(OverlayMarkers.Keep).CopyContent(upper, staging);
        var lower2 = s.Dir("lower2");
        File.WriteAllText(Path.Combine(lower2, "gone"), "still here");
        File.WriteAllText(Path.Combine(lower2, "change"), "old");
        Directory.CreateDirectory(Path.Combine(lower2, "d"));
        File.WriteAllText(Path.Combine(lower2, "d/x"), "x");
        var upper2 = s.Dir("upper2");
        var live = s.Dir("live");
        s.Overlay(lower2, upper2, s.Dir("work2"), live);
        new TreeCopy(OverlayMarkers.Apply).CopyContent(staging, live);
        Assert.False(File.Exists(Path.Combine(live, "gone")));
        Assert.Equal("changed", File.ReadAllText(Path.Combine(live, "change")));
        Assert.False(File.Exists(Path.Combine(live, "d/x")));
        Assert.True(File.Exists(Path.Combine(live, "d/z")));
        Assert.True(TreeCopy.IsWhiteout(Libc.Lstat(Path.Combine(upper2, "gone"))),
            "the deletion is a whiteout in the live upper layer");
    }

    [Fact]
    public void ASquashfsOfTheStagingFolderReplaysTheSessionAsALayer()
    {
        // what loadsrm does at boot: the SRM mounted as a layer above the original image
        if (!Repo.Has("mksquashfs")) return;
        using var s = new Scratch("treecopy-squash");
        var (lower, upper) = Session(s);
        var staging = s.Dir("staging");
        new TreeCopy(OverlayMarkers.Keep).CopyContent(upper, staging);
        var srm = Path.Combine(s.Root, "changes.srm");
        var (code, _, err) = Repo.Run("mksquashfs", staging, srm, "-noappend", "-quiet", "-no-progress");
        Assert.True(code == 0, err);
        var srmMount = s.Dir("srm");
        using var loop = LiveInit.Devices.LoopDevice.Attach(srm, readOnly: true);
        s.Mount(loop.Path, srmMount, "squashfs", Libc.MS_RDONLY);
        var root = s.Dir("newroot");
        s.Overlay($"{srmMount}:{lower}", s.Dir("u3"), s.Dir("w3"), root);
        Assert.Equal("new file", File.ReadAllText(Path.Combine(root, "new")));
        Assert.Equal("changed", File.ReadAllText(Path.Combine(root, "change")));
        Assert.False(File.Exists(Path.Combine(root, "gone")));
        Assert.Equal(["z"], Directory.GetFileSystemEntries(Path.Combine(root, "d")).Select(e
            => Path.GetFileName(e)!).ToArray());
        Assert.Equal("keep", File.ReadAllText(Path.Combine(root, "keep")));
    }

    [Fact]
    public void RemoverNeverFollowsLinks()
    {
        using var s = new Scratch("remover");
        var outside = s.Dir("outside");
        File.WriteAllText(Path.Combine(outside, "precious"), "x");
        var tree = s.Dir("tree/a");
        File.CreateSymbolicLink(Path.Combine(tree, "l"), outside);
        TreeRemover.Remove(Path.Combine(s.Root, "tree"));
        Assert.False(Directory.Exists(Path.Combine(s.Root, "tree")));
        Assert.True(File.Exists(Path.Combine(outside, "precious")));
    }
}
