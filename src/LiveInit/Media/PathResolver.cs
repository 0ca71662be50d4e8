using LiveInit.Native;

namespace LiveInit.Media;

/// <summary>
/// Resolves a relative path beneath a directory descriptor without ever leaving it. First choice: the kernel,
/// with openat2(RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS) (Linux 5.6+). Fallback, and the source
/// of precise reasons for a refusal: a walk one component at a time with O_PATH|O_NOFOLLOW, following only
/// relative links, never above the start, never onto another st_dev, at most <see cref="MaxLinks"/> links.
/// Both end with an O_PATH descriptor of the final entry and the canonical path of it.
/// </summary>
internal static class PathResolver
{
    public const int MaxLinks = 40, MaxComponents = 256;
    private const ulong Rules = OpenHow.RESOLVE_BENEATH | OpenHow.RESOLVE_NO_XDEV | OpenHow.RESOLVE_NO_MAGICLINKS;

    /// <summary>The outcome: an O_PATH descriptor of the entry and its path (relative, links resolved), or the
    /// errno of a missing entry (ENOENT, ENOTDIR), or the reason for a refusal.</summary>
    public readonly record struct Resolution(SafeFd? Fd, string Canonical, int Errno, string? Refusal);

    public static Resolution Resolve(SafeFd root, ulong rootDev, string rel, bool walkOnly, int flags = 0)
    {
        if (!walkOnly)
        {
            var fd = Libc.TryOpenat2(root, rel.Length == 0 ? "." : rel, Libc.O_PATH | flags, Rules, out var err);
            if (fd is null && err != Errno.ENOSYS)
            {
                if (err is not (Errno.EXDEV or Errno.ELOOP)) return new(null, rel, err, null);
                var walked = Walk(root, rootDev, rel);
                walked.Fd?.Dispose();
                return new(null, rel, err, walked.Refusal ?? "it crosses into another mount or leaves the medium");
            }
            if (fd is not null)
            {
                // the canonical path comes from the walk; both must reach the same inode
                var walked = Walk(root, rootDev, rel);
                if (walked.Fd is null) { fd.Dispose(); return walked with { Refusal = walked.Refusal ?? "it changed while being opened" }; }
                var a = Libc.Fstat(fd, rel);
                var b = Libc.Fstat(walked.Fd, rel);
                walked.Fd.Dispose();
                if (a.Dev != b.Dev || a.Ino != b.Ino) { fd.Dispose(); return new(null, rel, Errno.EXDEV, "it changed while being opened"); }
                return new(fd, walked.Canonical, 0, null);
            }
        }
        return Walk(root, rootDev, rel);
    }

    /// <summary>The component walk. Keeps a stack of directory descriptors (the path walked so far) so that
    /// <c>..</c> inside a relative link pops it, and refuses to pop the start.</summary>
    public static Resolution Walk(SafeFd root, ulong rootDev, string rel)
    {
        var todo = new LinkedList<string>(Split(rel));
        var stack = new List<(SafeFd Fd, string Name)>();
        var links = 0;
        try
        {
            var start = Libc.TryOpenat(root, ".", Libc.O_PATH | Libc.O_DIRECTORY, out var e0);
            if (start is null) return new(null, rel, e0, null);
            stack.Add((start, ""));
            var steps = 0;
            while (todo.First is { } node)
            {
                todo.RemoveFirst();
                if (++steps > MaxComponents * 4) return Refuse(rel, "its symbolic links expand without end");
                var name = node.Value;
                if (name == "..")
                {
                    if (stack.Count == 1) return Refuse(rel, $"'..' climbs above the mount point (at {Here(stack)})");
                    stack[^1].Fd.Dispose();
                    stack.RemoveAt(stack.Count - 1);
                    continue;
                }
                var fd = Libc.TryOpenat(stack[^1].Fd, name, Libc.O_PATH | Libc.O_NOFOLLOW, out var err);
                if (fd is null) return new(null, rel, err, null);
                var st = Libc.Fstat(fd, name);
                var here = Join(Here(stack), name);
                if (st.Dev != rootDev)
                {
                    fd.Dispose();
                    return Refuse(rel, $"{here} is on another filesystem (a mount point on the medium)");
                }
                if (st.IsSymlink)
                {
                    var target = Libc.TryReadlinkat(fd, "", out err);
                    fd.Dispose();
                    if (target is null) return new(null, rel, err, null);
                    if (++links > MaxLinks) return Refuse(rel, $"more than {MaxLinks} symbolic links (a loop at {here}?)");
                    if (target.StartsWith('/'))
                        return Refuse(rel, $"{here} is a symbolic link to the absolute path {target}, off the medium");
                    if (target.Length == 0) return Refuse(rel, $"{here} is an empty symbolic link");
                    var parts = Split(target);
                    for (var i = parts.Length - 1; i >= 0; i--) todo.AddFirst(parts[i]);
                    if (todo.Count > MaxComponents) return Refuse(rel, $"the links at {here} make the path too long");
                    continue;
                }
                if (todo.Count > 0 && !st.IsDirectory)
                {
                    fd.Dispose();
                    return new(null, rel, Errno.ENOTDIR, null);
                }
                stack.Add((fd, name));
            }
            var canonical = string.Join('/', stack.Skip(1).Select(s => s.Name));
            var last = stack[^1].Fd;
            stack.RemoveAt(stack.Count - 1);
            return new(last, canonical, 0, null);
        }
        finally
        {
            foreach (var s in stack) s.Fd.Dispose();
        }
    }

    private static Resolution Refuse(string rel, string why) => new(null, rel, Errno.EXDEV, PathText.Printable(why));

    private static string Here(List<(SafeFd Fd, string Name)> stack) =>
        string.Join('/', stack.Skip(1).Select(s => s.Name)) is { Length: > 0 } p ? p : ".";

    private static string Join(string a, string b) => a == "." ? b : a + "/" + b;

    private static string[] Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();

}
