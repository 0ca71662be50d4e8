using LiveInit.Native;

namespace LiveInit.Tools.Common;

/// <summary>rm -rf that never follows a symbolic link and never crosses into another mounted filesystem.</summary>
public static class TreeRemover
{
    /// <summary>Removes a file, link or directory tree; a missing path is not an error.</summary>
    public static void Remove(string path)
    {
        if (!Libc.TryLstat(path, out var st)) return;
        if (st.IsDirectory) RemoveChildren(path, st.Dev);
        var err = st.IsDirectory ? RmdirOrErr(path) : Libc.TryUnlink(path);
        if (err != 0 && err != Errno.ENOENT) throw new NativeException(st.IsDirectory ? "rmdir" : "unlink", path, err);
    }

    /// <summary>Empties a directory (its own entry stays). Mount points below it are refused, not entered.</summary>
    public static void RemoveChildren(string dir, ulong? device = null)
    {
        var dev = device ?? Libc.Lstat(dir).Dev;
        foreach (var name in Names(dir))
        {
            var p = Path.Combine(dir, name);
            if (!Libc.TryLstat(p, out var st)) continue;
            if (st.IsDirectory)
            {
                if (st.Dev != dev) throw new ToolFailure($"{p} is a mount point; unmount it first (nothing below it "
                    + "was removed)");
                RemoveChildren(p, dev);
                var err = RmdirOrErr(p);
                if (err != 0 && err != Errno.ENOENT) throw new NativeException("rmdir", p, err);
            }
            else
            {
                var err = Libc.TryUnlink(p);
                if (err != 0 && err != Errno.ENOENT) throw new NativeException("unlink", p, err);
            }
        }
    }

    /// <summary>The names in a directory (no "." or ".."), read with getdents so nothing is followed.</summary>
    public static List<string> Names(string dir)
    {
        using var fd = Libc.Open(dir, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW);
        var names = new List<(string, byte)>();
        if (!Libc.TryReadDirectory(fd, int.MaxValue, names, out var err)) throw new NativeException("getdents64", dir, err);
        return names.Select(n => n.Item1).Order(StringComparer.Ordinal).ToList();
    }

    private static int RmdirOrErr(string path) => Libc.TryRmdir(path);
}
