using LiveInit.Native;

namespace LiveInit.Tools.Common;

/// <summary>What a copy does with overlayfs' own entries in the source: whiteouts (character devices 0:0) and
/// opaque directories (xattr trusted.overlay.opaque = "y").</summary>
public enum OverlayMarkers
{
    /// <summary>Copy them as they are (an upper layer packed into an SRM, which the boot mounts as a layer).</summary>
    Keep,
    /// <summary>Carry them out on the target: a whiteout deletes the entry, an opaque directory is emptied before
    /// its content is copied (an SRM loaded into the running root).</summary>
    Apply,
    /// <summary>Leave them out (a package database copied file by file).</summary>
    Skip,
}

/// <summary>Counts of what a copy did.</summary>
public sealed class CopyStats
{
    public int Files, Directories, Links, Specials, Whiteouts, Opaques, HardLinks, Skipped, Deleted;
    public long Bytes;
    public int AttributeFailures;

    public override string ToString() =>
        $"{Say.Count(Files, "file")} ({Say.Size(Bytes)}), {Say.Count(Directories, "folder")}, {Say.Count(Links, "link")}"
        + (HardLinks > 0 ? $", {Say.Count(HardLinks, "hard link")}" : "") + (Specials > 0
            ? $", {Say.Count(Specials, "device node/FIFO")}" : "")
        + (Whiteouts > 0 ? $", {Say.Count(Whiteouts, "deletion")}" : "") + (Opaques > 0
            ? $", {Say.Count(Opaques, "opaque folder")}" : "")
        + (Skipped > 0 ? $", {Skipped} left out" : "");
}

/// <summary>
/// Copies a tree entry by entry with everything a root filesystem needs: regular files, directories, symbolic
/// links, device nodes and FIFOs, hard links (kept as hard links), owner, group, mode (setuid included),
/// extended attributes (capabilities, ACLs, SELinux labels; overlayfs' private trusted.overlay.* never) and
/// times. Every non-directory lands by rename from a temporary name in its own folder, so a reader never sees
/// half a file. Links in the source are never followed; an existing link to a folder in the target is entered
/// (like tar --keep-directory-symlink), so /lib -> usr/lib stays a link.
/// </summary>
public sealed class TreeCopy(OverlayMarkers markers, Func<string, bool>? exclude = null, Progress? progress = null,
    Action<string>? verbose = null)
{
    public const string OpaqueXattr = "trusted.overlay.opaque";
    private const string TmpSuffix = ".liveinit-tmp";
    private readonly Dictionary<(ulong, ulong), string> _hardLinks = [];
    public CopyStats Stats { get; } = new();

    /// <summary>Copies the content of <paramref name="sourceDir"/> into <paramref name="targetDir"/> (both exist;
    /// the attributes of the folders themselves are left alone).</summary>
    public void CopyContent(string sourceDir, string targetDir)
    {
        var st = Libc.Lstat(sourceDir);
        if (markers == OverlayMarkers.Apply
            && IsOpaque(sourceDir)) { Stats.Opaques++; TreeRemover.RemoveChildren(targetDir); }
        CopyChildren(sourceDir, targetDir, "", st.Dev);
    }

    /// <summary>Copies one entry (not the content of a folder: a folder is made, with its attributes).
    /// Missing parents of the target are made with mode 0755.</summary>
    public void CopyEntry(string source, string target)
    {
        var parent = Path.GetDirectoryName(target);
        if (!string.IsNullOrEmpty(parent)) Libc.MkdirAll(parent);
        var st = Libc.Lstat(source);
        if (st.IsDirectory) { EnsureDirectory(target, out var followed); if (!followed) ApplyAttributes(source,
            target, st); Stats.Directories++; }
        else CopyNonDirectory(source, target, st);
    }

    /// <summary>Bytes of regular files below a folder (what a progress bar counts), links not followed.</summary>
    public static long MeasureBytes(string dir, Func<string, bool>? exclude = null, string rel = "")
    {
        long total = 0;
        foreach (var name in TreeRemover.Names(dir))
        {
            var r = rel.Length == 0 ? name : rel + "/" + name;
            if (exclude?.Invoke(r) == true) continue;
            var p = Path.Combine(dir, name);
            if (!Libc.TryLstat(p, out var st)) continue;
            if (st.IsRegular) total += st.Size;
            else if (st.IsDirectory) total += MeasureBytes(p, exclude, r);
        }
        return total;
    }

    internal static bool IsWhiteout(StatBuf st) => (st.Mode & StatBuf.S_IFMT) == StatBuf.S_IFCHR && st.Rdev == 0;

    public static bool IsOpaque(string dir) =>
        Libc.TryGetXattr(dir, OpaqueXattr, out _) is { Length: 1 } v && v[0] == (byte)'y';

    private void CopyChildren(string sourceDir, string targetDir, string rel, ulong dev)
    {
        foreach (var name in TreeRemover.Names(sourceDir))
        {
            if (name.EndsWith(TmpSuffix, StringComparison.Ordinal)) continue;
            var r = rel.Length == 0 ? name : rel + "/" + name;
            if (exclude?.Invoke(r) == true) { Stats.Skipped++; verbose?.Invoke($"left out /{r}"); continue; }
            var src = Path.Combine(sourceDir, name);
            var dst = Path.Combine(targetDir, name);
            if (!Libc.TryLstat(src, out var st)) continue;   // gone meanwhile (a live system changes)
            if (IsWhiteout(st)) { Whiteout(dst, r); continue; }
            if (!st.IsDirectory) { CopyNonDirectory(src, dst, st); continue; }
            if (st.Dev != dev) { Stats.Skipped++; verbose?.Invoke($"left out /{r}: another filesystem is mounted "
                + "there"); continue; }
            var opaque = markers != OverlayMarkers.Skip && IsOpaque(src);
            EnsureDirectory(dst, out var followed);
            if (opaque && markers == OverlayMarkers.Apply)
            {
                TreeRemover.RemoveChildren(dst);
                Stats.Opaques++;
                verbose?.Invoke($"emptied /{r} (opaque in the source)");
            }
            CopyChildren(src, dst, r, dev);
            if (!followed) ApplyAttributes(src, dst, st);
            if (opaque && markers == OverlayMarkers.Keep)
            {
                var err = Libc.TrySetXattr(dst, OpaqueXattr, "y"u8);
                if (err != 0)
                    throw new ToolFailure($"cannot mark {dst} opaque ({OpaqueXattr}: {Errno.Describe(err)}): the "
                        + "staging folder must be on a "
                                          + "filesystem that keeps trusted.* attributes and is not itself an "
                                              + "overlayfs (a tmpfs such as /run)");
                Stats.Opaques++;
            }
            Stats.Directories++;
        }
    }

    private void Whiteout(string dst, string rel)
    {
        switch (markers)
        {
            case OverlayMarkers.Skip:
                Stats.Skipped++;
                return;
            case OverlayMarkers.Keep:
                TreeRemover.Remove(dst);
                try { Libc.Mknod(dst, StatBuf.S_IFCHR, 0); }
                catch (NativeException e)
                {
                    throw new ToolFailure($"cannot record the deletion of /{rel} as a whiteout at {dst} "
                        + $"({e.Message}): the staging "
                                          + "folder must be on a filesystem that allows device nodes and is not an "
                                              + "overlayfs (a tmpfs such as /run)");
                }
                Stats.Whiteouts++;
                verbose?.Invoke($"deletion of /{rel}");
                return;
            default:
                if (Libc.TryLstat(dst, out _))
                {
                    TreeRemover.Remove(dst);
                    Stats.Deleted++;
                    verbose?.Invoke($"deleted /{rel}");
                }
                Stats.Whiteouts++;
                return;
        }
    }

    /// <summary>Makes sure <paramref name="dst"/> is a directory: kept if it is one (or a link to one, then
    /// <paramref name="followed"/>), otherwise whatever is there is replaced.</summary>
    private static void EnsureDirectory(string dst, out bool followed)
    {
        followed = false;
        if (Libc.TryLstat(dst, out var st))
        {
            if (st.IsDirectory) return;
            if (st.IsSymlink && Libc.TryStat(dst, out var target) && target.IsDirectory) { followed = true; return; }
            TreeRemover.Remove(dst);
        }
        Libc.Mkdir(dst, 0x1C0);
    }

    private void CopyNonDirectory(string src, string dst, StatBuf st)
    {
        var tmp = Path.Combine(Path.GetDirectoryName(dst)!, "." + Path.GetFileName(dst) + TmpSuffix);
        TreeRemover.Remove(tmp);
        try
        {
            if (st.Nlink > 1 && !st.IsSymlink && _hardLinks.TryGetValue((st.Dev, st.Ino), out var first)
                && Libc.TryLstat(first, out _))
            {
                Libc.Link(first, tmp);
                Stats.HardLinks++;
            }
            else
            {
                switch (st.Mode & StatBuf.S_IFMT)
                {
                    case StatBuf.S_IFREG:
                        CopyData(src, tmp);
                        Stats.Files++;
                        break;
                    case StatBuf.S_IFLNK:
                        var target = new FileInfo(src).LinkTarget ?? throw new ToolFailure($"cannot read the link {src}");
                        Libc.Symlink(target, tmp);
                        Stats.Links++;
                        break;
                    default:
                        Libc.Mknod(tmp, st.Mode & (StatBuf.S_IFMT | 0xFFF), st.Rdev);
                        Stats.Specials++;
                        break;
                }
                ApplyAttributes(src, tmp, st);
                if (st.Nlink > 1 && !st.IsSymlink) _hardLinks[(st.Dev, st.Ino)] = dst;
            }
            if (Libc.TryLstat(dst, out var existing) && existing.IsDirectory) TreeRemover.Remove(dst);
            Libc.Rename(tmp, dst);
        }
        catch
        {
            TreeRemover.Remove(tmp);
            throw;
        }
    }

    private void CopyData(string src, string dst)
    {
        using var input = new FileStream(src, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        using var output = new FileStream(dst, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        var buf = new byte[1 << 20];
        int n;
        while ((n = input.Read(buf, 0, buf.Length)) > 0)
        {
            output.Write(buf, 0, n);
            Stats.Bytes += n;
            progress?.Add(n);
        }
    }

    /// <summary>Owner first (a chown clears setuid bits and file capabilities), then mode, extended attributes and
    /// times. A target that refuses an attribute (no xattr support) is counted, not fatal.</summary>
    private void ApplyAttributes(string src, string dst, StatBuf st)
    {
        Libc.Lchown(dst, st.Uid, st.Gid);
        if (!st.IsSymlink) Libc.Chmod(dst, st.Mode);
        foreach (var name in Libc.ListXattrs(src))
        {
            if (name.StartsWith("trusted.overlay.", StringComparison.Ordinal))
            {
                if (markers == OverlayMarkers.Keep && (name.EndsWith(".redirect", StringComparison.Ordinal)
                    || name.EndsWith(".metacopy", StringComparison.Ordinal)))
                    throw new ToolFailure($"{src} carries {name}: this overlayfs uses redirect_dir or metacopy, "
                        + "whose changes cannot be "
                                          + "packed as plain files. Mount the overlay without those features to pack it.");
                continue;
            }
            var value = Libc.TryGetXattr(src, name, out _);
            if (value is null) continue;
            if (Libc.TrySetXattr(dst, name, value) != 0) Stats.AttributeFailures++;
        }
        var times = Libc.TrySetTimes(dst, new Timespec { Sec = st.AtimeSec, Nsec = st.AtimeNsec },
            new Timespec { Sec = st.MtimeSec, Nsec = st.MtimeNsec });
        if (times != 0) Stats.AttributeFailures++;
    }
}
