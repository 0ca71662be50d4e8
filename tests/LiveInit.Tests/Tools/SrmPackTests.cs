using LiveInit.Native;
using LiveInit.Tools.Common;
using LiveInit.Tools.Srm;

namespace LiveInit.Tests.Tools;

/// <summary>srm pack on a fake live system: a mount table whose / is an overlayfs with its upper in a tmpfs.</summary>
public class SrmPackTests
{
    private static LiveSystem System(string upper, string tmpfs) => new(MountTable.Parse(
        $"1 0 0:30 / / rw - overlay overlay rw,lowerdir=/l,upperdir={upper},workdir=/w\n2 1 0:31 / {tmpfs} rw - "
            + "tmpfs tmpfs rw\n"), () => null);

    private static Say Quiet => new("test");

    [Fact]
    public void EveryChangeWithDeletionsIsStagedThenPacked()
    {
        using var s = new Scratch("pack-all");
        var upper = s.Dir("upper");
        File.WriteAllText(Path.Combine(s.Dir("upper/etc"), "new.conf"), "x");
        Libc.Mknod(Path.Combine(upper, "etc/removed.conf"), StatBuf.S_IFCHR, 0);
        File.WriteAllText(Path.Combine(s.Dir("upper/var/log"), "noise"), "log");
        var staging = Path.Combine(s.Root, "staging");
        var prepare = new PackRequest(false, PackStage.Prepare, "gzip", null, null, staging, ["var/log"], false);
        new SrmPack(prepare, System(upper, s.Root), Quiet).Run();
        Assert.Equal("x", File.ReadAllText(Path.Combine(staging, "etc/new.conf")));
        Assert.True(TreeCopy.IsWhiteout(Libc.Lstat(Path.Combine(staging, "etc/removed.conf"))));
        Assert.False(Directory.Exists(Path.Combine(staging, "var/log")));
        // a second prepare refuses to overwrite what the user may have edited
        Assert.Throws<ToolFailure>(() => new SrmPack(prepare, System(upper, s.Root), Quiet).Run());
        if (!Repo.Has("mksquashfs")) return;
        var srm = Path.Combine(s.Root, "out.srm");
        new SrmPack(prepare with { Stage = PackStage.Create, Output = srm }, System(upper, s.Root), Quiet).Run();
        Assert.True(new FileInfo(srm).Length > 0);
        Assert.False(Directory.Exists(staging), "create removes the staging folder");
        Assert.Empty(Directory.GetFiles(s.Root, "*.liveinit-tmp"));
        var (code, list, _) = Repo.Run("unsquashfs", "-lls", srm);
        Assert.Equal(0, code);
        Assert.Matches(@"c--------- root/root\s+0,\s*0 .*squashfs-root/etc/removed.conf", list);
        // an existing target is not replaced without --force
        Assert.Throws<ToolFailure>(() => new SrmPack(prepare with { Stage = PackStage.All, Output = srm },
            System(upper, s.Root), Quiet).Run());
    }

    [Fact]
    public void AStagingFolderOnTheOverlayIsRefusedForWhiteouts()
    {
        using var s = new Scratch("pack-onoverlay");
        var upper = s.Dir("upper");
        File.WriteAllText(Path.Combine(upper, "f"), "x");
        var sys = new LiveSystem(MountTable.Parse($"1 0 0:30 / / rw - overlay overlay rw,upperdir={upper}\n"), () => null);
        var req = new PackRequest(false, PackStage.Prepare, "gzip", null, null, Path.Combine(s.Root, "st"), [], false);
        Assert.Contains("overlayfs", Assert.Throws<ToolFailure>(() => new SrmPack(req, sys, Quiet).Run()).Message);
        Assert.False(Directory.Exists(Path.Combine(s.Root, "st")), "nothing is left behind");
        Assert.Equal(SrmPack.RunStaging, new SrmPack(req with { Staging = null }, sys, Quiet).DefaultStaging());
    }

    [Fact]
    public void PacmanModePacksThePackagesOfTheLayerWithTheirUnits()
    {
        using var s = new Scratch("pack-pacman");
        var root = s.Dir("root");          // the running root (merged view)
        var upper = s.Dir("upper");        // its copy-on-write layer
        void Both(string rel, string text)
        {
            foreach (var top in new[] { root, upper })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(top, rel))!);
                File.WriteAllText(Path.Combine(top, rel), text);
            }
        }
        Both("var/lib/pacman/local/nano-8.2-1/desc", "%NAME%\nnano\n\n%VERSION%\n8.2-1\n\n%INSTALLDATE%\n1\n");
        Both("var/lib/pacman/local/nano-8.2-1/files",
            "%FILES%\nusr/\nusr/bin/\nusr/bin/nano\nusr/lib/systemd/system/nano.service\n");
        Both("usr/bin/nano", "ELF");
        Both("usr/lib/systemd/system/nano.service", "[Unit]");
        Both("etc/unrelated.conf", "not a package file");
        Directory.CreateDirectory(Path.Combine(root, "var/lib/pacman/local/bash-5.2-1"));   // in the image, not the layer
        File.WriteAllText(Path.Combine(root, "var/lib/pacman/local/bash-5.2-1/desc"), "%NAME%\nbash\n");
        foreach (var top in new[] { root, upper })
        {
            Directory.CreateDirectory(Path.Combine(top, "etc/systemd/system/multi-user.target.wants"));
            File.CreateSymbolicLink(Path.Combine(top, "etc/systemd/system/multi-user.target.wants/nano.service"),
                "/usr/lib/systemd/system/nano.service");
            File.CreateSymbolicLink(Path.Combine(top, "etc/systemd/system/multi-user.target.wants/other.service"),
                "/usr/lib/systemd/system/other.service");
        }
        Libc.Chmod(Path.Combine(root, "usr/bin/nano"), 0x1ED);
        var staging = Path.Combine(s.Root, "staging");
        var req = new PackRequest(true, PackStage.Prepare, "zstd", null, null, staging, [], false);
        new SrmPack(req, System(upper, s.Root), Quiet, root).Run();
        Assert.Equal("ELF", File.ReadAllText(Path.Combine(staging, "usr/bin/nano")));
        Assert.Equal(0x1EDu, Libc.Lstat(Path.Combine(staging, "usr/bin/nano")).Mode & 0xFFF);
        Assert.True(File.Exists(Path.Combine(staging, "var/lib/pacman/local/nano-8.2-1/desc")));
        Assert.False(Directory.Exists(Path.Combine(staging, "var/lib/pacman/local/bash-5.2-1")));
        Assert.False(File.Exists(Path.Combine(staging, "etc/unrelated.conf")));
        Assert.Equal("/usr/lib/systemd/system/nano.service",
            new FileInfo(Path.Combine(staging, "etc/systemd/system/multi-user.target.wants/nano.service")).LinkTarget);
        Assert.False(Libc.TryLstat(Path.Combine(staging,
            "etc/systemd/system/multi-user.target.wants/other.service"), out _));
    }

    [Fact]
    public void PacmanModeWithoutPackagesSaysSo()
    {
        using var s = new Scratch("pack-nopkg");
        var upper = s.Dir("upper");
        var req = new PackRequest(true, PackStage.Prepare, "zstd", null, null, Path.Combine(s.Root, "st"), [], false);
        Assert.Contains("no packages installed", Assert.Throws<ToolFailure>(() => new SrmPack(req, System(upper,
            s.Root), Quiet).Run()).Message);
    }
}
