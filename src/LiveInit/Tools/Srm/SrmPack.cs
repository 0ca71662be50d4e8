using LiveInit.Native;
using LiveInit.Tools.Common;

namespace LiveInit.Tools.Srm;

public enum PackStage { Prepare, Create, All }

/// <summary>What <c>liveinit srm pack</c> was asked (cowpacman2srm's -s, -c, -l and target file, plus --pacman).</summary>
public sealed record PackRequest(bool Pacman, PackStage Stage, string Compression, string? Level, string? Output,
    string? Staging, IReadOnlyList<string> Excludes, bool Force);

/// <summary>
/// <c>liveinit srm pack</c> (SystemRescue's cowpacman2srm). Stage <c>prepare</c> fills a staging folder:
/// with <c>--pacman</c>, the files of the pacman packages whose database entry is in the copy-on-write layer
/// (pacman -Ql of them, read from the running root), their database entries, and the systemd unit links in the
/// layer that point at their files; without it, the whole upper layer of / as it is, whiteouts and opaque folders
/// included, so that the module replays deletions too. Stage <c>create</c> runs mksquashfs on the staging folder
/// into the SRM (a temporary name, fsync, rename) and removes the folder. <c>all</c> does both.
/// </summary>
public sealed class SrmPack(PackRequest request, LiveSystem system, Say say, string root = "/")
{
    public const string PeerStaging = "/tmp/srm_content", RunStaging = "/run/liveinit/srm_content";

    public int Run()
    {
        var staging = Path.GetFullPath(request.Staging ?? DefaultStaging());
        string? output = null;
        if (request.Stage != PackStage.Prepare)
        {
            output = Path.GetFullPath(request.Output ?? $"liveinit-{DateTime.Now:yyyyMMdd-HHmmss}.srm");
            if (File.Exists(output) && !request.Force)
                throw new ToolFailure($"{output} already exists; delete it, choose another name, or add --force to "
                    + "replace it");
        }
        if (request.Stage != PackStage.Create) Prepare(staging, output);
        if (request.Stage == PackStage.Prepare)
        {
            say.Step($"SRM content prepared in {staging}");
            say.Step($"change it as you like, then run: liveinit srm pack -s "
                + $"create{(request.Staging is null ? "" : $" --staging {staging}")} TARGET.srm");
            return 0;
        }
        Create(staging, output!);
        return 0;
    }

    /// <summary>/tmp/srm_content as cowpacman2srm, unless whiteouts must be kept and /tmp is part of the overlay root
    /// (an overlayfs cannot hold whiteouts or trusted.overlay.* attributes of its own): then
    /// /run/liveinit/srm_content.</summary>
    public string DefaultStaging()
    {
        if (request.Stage == PackStage.Create && !Directory.Exists(PeerStaging)
            && Directory.Exists(RunStaging)) return RunStaging;
        if (request.Pacman) return PeerStaging;
        return system.Mounts.ForPath("/tmp")?.FsType == "overlay" ? RunStaging : PeerStaging;
    }

    private void Prepare(string staging, string? output)
    {
        if (Libc.TryLstat(staging, out _))
            throw new ToolFailure($"the staging folder {staging} already exists (an earlier prepare?). Run 'liveinit "
                + "srm pack -s create' "
                                  + $"to make the SRM from it, or delete it (rm -rf {staging}) to start again");
        var upper = system.UpperDir();
        say.Step($"copy-on-write layer of /: {upper}");
        Libc.MkdirAll(Path.GetDirectoryName(staging)!);
        Libc.Mkdir(staging, 0x1ED);
        var ok = false;
        using var interrupted = Interruption.OnInterrupt(() => TreeRemover.Remove(staging));
        try
        {
            if (request.Pacman) PreparePacman(upper, staging);
            else PrepareAll(upper, staging, output);
            ok = true;
        }
        finally
        {
            if (!ok) TreeRemover.Remove(staging);
        }
    }

    private void PrepareAll(string upper, string staging, string? output)
    {
        var fs = system.Mounts.ForPath(staging);
        if (fs?.FsType == "overlay")
            throw new ToolFailure($"{staging} is on an overlayfs, which cannot hold whiteouts; give --staging a "
                + $"folder on a tmpfs (e.g. {RunStaging})");
        var excluded = new List<string>(request.Excludes.Select(e => e.Trim('/')));
        excluded.Add(staging.TrimStart('/'));
        if (output is not null) excluded.Add(output.TrimStart('/'));
        bool Exclude(string rel) => excluded.Any(e => rel == e || rel.StartsWith(e + "/", StringComparison.Ordinal));
        var bytes = TreeCopy.MeasureBytes(upper, Exclude);
        var free = FreeBytes(staging);
        if (bytes > free)
            throw new ToolFailure($"the changes take {Say.Size(bytes)} but {staging} has {Say.Size(free)} free; give "
                + "--staging a folder with more room");
        say.Step($"copying every change ({Say.Size(bytes)}) to {staging}, deletions as whiteouts");
        var bar = new Progress("copying", bytes);
        var copy = new TreeCopy(OverlayMarkers.Keep, Exclude, bar, say.Verbose ? say.Detail : null);
        copy.CopyContent(upper, staging);
        bar.Finish();
        say.Step($"staged {copy.Stats}");
        if (copy.Stats.AttributeFailures > 0)
            say.Warn($"{copy.Stats.AttributeFailures} extended attributes or times could not be kept in {staging}");
    }

    private void PreparePacman(string upper, string staging)
    {
        var localUpper = Path.Combine(upper, PacmanDb.LocalDir);
        if (!Directory.Exists(localUpper))
            throw new ToolFailure($"no packages installed in the copy-on-write layer ({localUpper} does not exist). "
                + "Install them with "
                                  + "'pacman -S NAME' first, or pack every change without --pacman");
        var packages = new List<PacmanPackage>();
        foreach (var dir in TreeRemover.Names(localUpper))
        {
            var desc = Path.Combine(localUpper, dir, "desc");
            if (!Libc.TryLstat(desc, out var st) || !st.IsRegular) continue;
            if (PacmanDb.ParseDesc(dir, File.ReadAllText(desc)) is { } p) packages.Add(p);
        }
        if (packages.Count == 0) throw new ToolFailure($"no packages installed in the copy-on-write layer "
            + $"({localUpper} holds none)");
        var bootTime = BootTime();
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var p in packages)
        {
            var list = Path.Combine(root, PacmanDb.LocalDir, p.Directory, "files");
            if (!File.Exists(list)) list = Path.Combine(localUpper, p.Directory, "files");
            var before = p.InstallDate is { } d && bootTime is { } b && d < b
                ? " (installed before this boot, kept by persistence)" : "";
            say.Detail($"{p.Name} {p.Version}{before}");
            if (File.Exists(list)) files.UnionWith(PacmanDb.ParseFiles(File.ReadAllText(list)));
            else say.Warn($"{p.Name}: no file list in the database ({list}); only its database entry is packed");
        }
        say.Step($"found {packages.Count} packages with {files.Count} files and folders");
        var bar = new Progress("copying", files.Count, bytes: false);
        var copy = new TreeCopy(OverlayMarkers.Skip);
        var missing = 0;
        foreach (var f in files)
        {
            var src = root == "/" ? f : root.TrimEnd('/') + f;
            if (!Libc.TryLstat(src, out _)) { missing++; say.Detail($"missing: {f}"); }
            else copy.CopyEntry(src, staging + f);
            bar.Add(1);
        }
        bar.Finish();
        if (missing > 0) say.Warn($"{missing} files of these packages are no longer on the system and were left out");
        var localStaging = Path.Combine(staging, PacmanDb.LocalDir);
        Libc.MkdirAll(localStaging);
        copy.CopyContent(localUpper, localStaging);
        var links = CopyUnitLinks(upper, staging, files, copy);
        say.Step($"staged {copy.Stats}; {links} systemd unit links");
    }

    /// <summary>The links under the layer's etc/systemd/system (enabled units) that point at a file of the packed
    /// packages: the units the user enabled for them.</summary>
    private int CopyUnitLinks(string upper, string staging, ISet<string> files, TreeCopy copy)
    {
        var top = Path.Combine(upper, "etc/systemd/system");
        if (!Directory.Exists(top)) return 0;
        var count = 0;
        foreach (var (abs, rel) in Walk(top, ""))
        {
            if (!Libc.TryLstat(abs, out var st) || !st.IsSymlink) continue;
            var target = new FileInfo(abs).LinkTarget;
            if (target is null) continue;
            var resolved = target.StartsWith('/') ? target : Path.GetFullPath(Path.Combine("/etc/systemd/system",
                Path.GetDirectoryName(rel)!, target));
            if (!files.Contains(resolved.TrimEnd('/'))) continue;
            say.Detail($"systemd link /etc/systemd/system/{rel} -> {target}");
            copy.CopyEntry(abs, Path.Combine(staging, "etc/systemd/system", rel));
            count++;
        }
        return count;
    }

    private static IEnumerable<(string Abs, string Rel)> Walk(string dir, string rel)
    {
        foreach (var name in TreeRemover.Names(dir))
        {
            var abs = Path.Combine(dir, name);
            var r = rel.Length == 0 ? name : rel + "/" + name;
            yield return (abs, r);
            if (Libc.TryLstat(abs, out var st) && st.IsDirectory)
                foreach (var x in Walk(abs, r)) yield return x;
        }
    }

    private void Create(string staging, string output)
    {
        if (!Directory.Exists(staging))
            throw new ToolFailure($"there is no staging folder {staging}; run 'liveinit srm pack -s prepare' first "
                + "(or -s all)");
        if (TreeRemover.Names(staging).Count == 0) throw new ToolFailure($"the staging folder {staging} is empty: "
            + "nothing to pack");
        using var result = new AtomicOutput(output);
        say.Step($"creating {output} ({request.Compression}{(request.Level is null ? "" : " level " + request.Level)})");
        Mksquashfs.Run(staging, result.TempPath, Mksquashfs.Compression(request.Compression, request.Level),
            "build the SRM (a squashfs image)", say);
        result.Commit(replace: request.Force);
        say.Step($"wrote {output} ({Say.Size(new FileInfo(output).Length)})");
        TreeRemover.Remove(staging);
        say.Step($"removed the staging folder {staging}");
        say.Step("copy it next to the image on the boot medium (e.g. /run/archiso/bootmnt/sysresccd/) and boot with "
            + "loadsrm, "
                 + "or load it now with 'liveinit srm load'");
    }

    private static long FreeBytes(string path)
    {
        var fs = Libc.Statfs(path);
        return (long)fs.BlocksAvailable * fs.BlockSize;
    }

    /// <summary>The boot time (btime of /proc/stat, Unix seconds), or null.</summary>
    private static long? BootTime()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/stat"))
                if (line.StartsWith("btime ", StringComparison.Ordinal) && long.TryParse(line[6..], out var t)) return t;
        }
        catch (IOException) { }
        return null;
    }
}
