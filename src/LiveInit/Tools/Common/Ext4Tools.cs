namespace LiveInit.Tools.Common;

/// <summary>e2fsprogs as the tools use them: an ext4 filesystem made in an image file with a given layout of
/// folders (mke2fs -d, no mount needed), checked (e2fsck -f -p, whose exit codes 1 and 2 mean "fixed"), and
/// resized (resize2fs, on an image offline or on a mounted loop device online).</summary>
public static class Ext4Tools
{
    /// <summary>mkfs.ext4 on an existing (allocated) file; <paramref name="folders"/> are made at its top.</summary>
    public static void Make(string file, string label, IEnumerable<string> folders, Say say, bool reserve = false)
    {
        var mke2fs = ExternalTool.Find("mkfs.ext4") ?? ExternalTool.Require("mke2fs", "make an ext4 filesystem");
        var layout = Directory.CreateTempSubdirectory("liveinit-layout-").FullName;
        try
        {
            foreach (var f in folders) Directory.CreateDirectory(Path.Combine(layout, f));
            // nodiscard: mke2fs would punch the reserved blocks of an image file out again
            var args = new List<string> { "-q", "-F", "-E", "nodiscard", "-L", label, "-d", layout };
            if (Path.GetFileName(mke2fs) == "mke2fs") args.InsertRange(0, ["-t", "ext4"]);
            if (!reserve) args.AddRange(["-m", "0"]);
            args.Add(file);
            say.Detail($"{mke2fs} {string.Join(' ', args)}");
            ExternalTool.RunChecked(mke2fs, args, $"making the ext4 filesystem in {file}");
        }
        finally { TreeRemover.Remove(layout); }
    }

    /// <summary>e2fsck -f -p (-y with <paramref name="fix"/>): fails when errors are left that need a person.</summary>
    public static void Check(string target, Say say, bool fix = false)
    {
        var e2fsck = ExternalTool.Require("e2fsck", $"check the filesystem in {target}");
        say.Step($"checking {target} (e2fsck -f)");
        var r = ExternalTool.Run(e2fsck, ["-f", fix ? "-y" : "-p", target], say.Verbose ? say.Detail : null);
        if (r.ExitCode is 0 or 1 or 2) { if (r.ExitCode != 0) say.Step($"e2fsck repaired {target} (a journal "
            + "replayed after an unclean shutdown, or small errors)"); return; }
        throw new ToolFailure($"e2fsck found errors in {target} it cannot correct by itself (exit "
            + $"{r.ExitCode}):\n{r.TailText}\n"
                              + $"Run 'e2fsck -f {target}' and answer its questions, then try again");
    }

    /// <summary>resize2fs to fill the device or file.</summary>
    public static void Grow(string target, Say say)
    {
        var resize2fs = ExternalTool.Require("resize2fs", $"grow the filesystem in {target}");
        say.Step($"growing the filesystem in {target} (resize2fs)");
        ExternalTool.RunChecked(resize2fs, ["-p", target], $"resize2fs {target}", say.Verbose ? say.Detail : null);
    }
}
