using LiveInit.Native;

namespace LiveInit.Media;

/// <summary>
/// A mounted medium (boot medium, persistence device, image, store) seen through one directory descriptor.
/// Every file LiveInit reads or writes on it goes through here: paths are resolved beneath the mount by the
/// kernel (openat2 with RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS, or a careful walk on older
/// kernels), must end on the same filesystem (st_dev) and be of the expected kind (a regular file, or a
/// directory). Symbolic links that stay on the medium keep working (antiX's <c>linuxfs -> linuxfs.00</c>);
/// links off it, device nodes, FIFOs and sockets are refused with a reason. The descriptor returned is what
/// loop devices, checksums and resets are given, never the path again.
/// </summary>
public sealed class MediumRoot : IDisposable
{
    /// <summary>At most this many names are listed from one directory of a medium.</summary>
    public const int MaxListing = 10_000;

    /// <summary>Bounds of <see cref="EmptyDirectory"/>: entries removed in all, and folder depth.</summary>
    public const int MaxDeleteEntries = 1_000_000, MaxDeleteDepth = 256;

    private readonly SafeFd _fd;

    private readonly bool _walkOnly;

    private MediumRoot(SafeFd fd, string mountPoint, ulong dev, bool walkOnly)
    {
        _fd = fd;
        _walkOnly = walkOnly;
        MountPoint = mountPoint.TrimEnd('/') is { Length: > 0 } m ? m : "/";
        Device = dev;
    }

    public string MountPoint { get; }
    /// <summary>st_dev of the mounted filesystem: everything opened must be on it.</summary>
    public ulong Device { get; }

    /// <summary>Opens the directory at <paramref name="mountPoint"/> (the top of a mount, trusted: it is ours).
    /// <paramref name="walkOnly"/>: behave as on a kernel without openat2 (tests).</summary>
    public static MediumRoot Open(string mountPoint, bool walkOnly = false)
    {
        var fd = Libc.Open(mountPoint, Libc.O_RDONLY | Libc.O_DIRECTORY);
        return new MediumRoot(fd, mountPoint, Libc.Fstat(fd, mountPoint).Dev, walkOnly);
    }

    /// <summary>"/run/archiso/bootmnt/sysresccd/x86_64/airootfs.sfs": for messages.</summary>
    public string Where(string rel) => rel.Length == 0 ? MountPoint : $"{(MountPoint == "/" ? "" : MountPoint)}/{rel.TrimStart('/')}";

    /// <summary>What <paramref name="rel"/> is, without opening it for reading (device nodes and FIFOs are
    /// never opened, only looked at).</summary>
    public MediumEntry Lookup(string rel)
    {
        var r = PathResolver.Resolve(_fd, Device, Clean(rel), _walkOnly);
        if (r.Refusal is not null) return new(EntryKind.Refused, Where(rel), r.Refusal);
        if (r.Fd is null) return new(EntryKind.Missing, Where(rel));
        using var fd = r.Fd;
        var st = Libc.Fstat(fd, Where(rel));
        if (st.Dev != Device) return new(EntryKind.Refused, Where(rel), "it is on another filesystem");
        if (st.IsRegular) return new(EntryKind.File, Where(rel), Size: st.Size);
        if (st.IsDirectory) return new(EntryKind.Directory, Where(rel));
        return new(EntryKind.Refused, Where(rel), $"it is {KindOf(st)}, not a regular file or a directory");
    }

    /// <summary>Opens a regular file beneath the mount (read-only, or read-write for a persistence file).
    /// Missing: <see cref="NativeException"/> ENOENT. Anything else wrong: <see cref="RefusedPathException"/>.</summary>
    public ConfinedFile OpenFile(string rel, bool write = false)
    {
        rel = Clean(rel);
        using var probe = Resolve(rel, out var canonical);
        var st = Libc.Fstat(probe, Where(rel));
        if (!st.IsRegular) throw Refused(rel, $"it is {KindOf(st)}, not a regular file");
        // now open it for real: the same rules, the same inode, no blocking open, no controlling tty
        var fd = Reopen(canonical, (write ? Libc.O_RDWR : Libc.O_RDONLY) | Libc.O_NOCTTY | Libc.O_NONBLOCK | Libc.O_NOFOLLOW, rel);
        var st2 = Libc.Fstat(fd, Where(rel));
        if (st2.Dev != st.Dev || st2.Ino != st.Ino || !st2.IsRegular)
        {
            fd.Dispose();
            throw Refused(rel, "it changed while being opened");
        }
        return new ConfinedFile(fd, Where(rel), st2, write);
    }

    /// <summary><see cref="OpenFile"/> that returns null for a missing file and gives the refusal reason
    /// (null when simply missing) instead of throwing.</summary>
    public ConfinedFile? TryOpenFile(string rel, bool write, out string? refusal)
    {
        refusal = null;
        try { return OpenFile(rel, write); }
        catch (RefusedPathException e) { refusal = e.Why; return null; }
        catch (NativeException e) when (e.Code is Errno.ENOENT or Errno.ENOTDIR) { return null; }
    }

    /// <summary>Opens an existing directory beneath the mount.</summary>
    public ConfinedDirectory OpenDirectory(string rel)
    {
        rel = Clean(rel);
        using var probe = Resolve(rel, out var canonical);
        var st = Libc.Fstat(probe, Where(rel));
        if (!st.IsDirectory) throw Refused(rel, $"it is {KindOf(st)}, not a directory");
        var fd = canonical.Length == 0
            ? Libc.TryOpenat(_fd, ".", Libc.O_RDONLY | Libc.O_DIRECTORY, out var err)
                ?? throw new NativeException("open", Where(rel), err)
            : Reopen(canonical, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW, rel);
        var st2 = Libc.Fstat(fd, Where(rel));
        if (st2.Dev != st.Dev || st2.Ino != st.Ino)
        {
            fd.Dispose();
            throw Refused(rel, "it changed while being opened");
        }
        return new ConfinedDirectory(fd, Where(canonical), st2.Dev);
    }

    /// <summary>mkdir -p beneath the mount: each missing component is made with mkdirat in its parent's
    /// descriptor; an existing component must be a directory on this filesystem (a link that stays on the medium
    /// is followed, one that leaves it refused).</summary>
    public ConfinedDirectory EnsureDirectory(string rel, uint mode = 0x1ED)
    {
        rel = Clean(rel);
        var parts = rel.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p is "." or "..")) throw Refused(rel, "'.' and '..' are not allowed in a folder to create");
        var dir = OpenDirectory("");
        for (var i = 0; i < parts.Length; i++)
        {
            var prefix = string.Join('/', parts.Take(i + 1));
            var entry = Lookup(prefix);
            if (entry.Kind == EntryKind.Missing)
            {
                var err = Libc.TryMkdirat(dir.Fd, parts[i], mode);
                if (err != 0 && err != Errno.EEXIST) { dir.Dispose(); throw new NativeException("mkdir", Where(prefix), err); }
            }
            else if (entry.Kind != EntryKind.Directory)
            {
                dir.Dispose();
                throw Refused(prefix, entry.Why ?? "it exists and is not a directory");
            }
            var next = OpenDirectory(prefix);
            dir.Dispose();
            dir = next;
        }
        return dir;
    }

    /// <summary>The names in a directory (at most <see cref="MaxListing"/>), sorted ordinally.</summary>
    public IReadOnlyList<string> List(string rel)
    {
        using var dir = OpenDirectory(rel);
        var names = new List<(string, byte)>();
        if (!Libc.TryReadDirectory(dir.Fd, MaxListing, names, out var err)) throw new NativeException("getdents64", Where(rel), err);
        return names.Select(n => n.Item1).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Renames an entry (a file or a link: the link itself, not its target) within the medium, never
    /// replacing an existing target (RENAME_NOREPLACE: EEXIST instead), then makes both folders durable.</summary>
    public void Rename(string fromRel, string toRel)
    {
        var (fromDir, fromName) = Split(Clean(fromRel));
        var (toDir, toName) = Split(Clean(toRel));
        using var a = OpenDirectory(fromDir);
        using var b = fromDir == toDir ? null : OpenDirectory(toDir);
        var err = Libc.TryRenameat2(a.Fd, fromName, (b ?? a).Fd, toName, Libc.RENAME_NOREPLACE);
        if (err != 0) throw new NativeException("rename", $"{Where(fromRel)} -> {Where(toRel)}", err);
        a.Sync();
        b?.Sync();
    }

    /// <summary>Writes a small file durably: a temporary name, fsync, rename over the target, fsync the folder.
    /// Used for journals and state files on the medium.</summary>
    public void WriteFileDurably(string rel, ReadOnlySpan<byte> content)
    {
        var (dirRel, name) = Split(Clean(rel));
        using var dir = OpenDirectory(dirRel);
        var tmp = $".{name}.tmp";
        Libc.TryUnlinkat(dir.Fd, tmp, 0);
        var fd = Libc.TryOpenat(dir.Fd, tmp, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW, out var err, 0x1A4);
        if (fd is null) throw new NativeException("open", Where(Join(dirRel, tmp)), err);
        using (fd)
        {
            Libc.Write(fd, content, Where(Join(dirRel, tmp)));
            Libc.Fsync(fd, Where(Join(dirRel, tmp)));
        }
        err = Libc.TryRenameat2(dir.Fd, tmp, dir.Fd, name, 0);
        if (err != 0) throw new NativeException("rename", $"{Where(Join(dirRel, tmp))} -> {Where(rel)}", err);
        dir.Sync();
    }

    /// <summary>Whether a name is there at all, as rename sees it: the entry itself (a link counts, even a
    /// dangling one; what it points to does not matter). Its folder is resolved with the usual rules; a folder
    /// that is missing means the name is missing.</summary>
    public bool Exists(string rel)
    {
        var (dirRel, name) = Split(Clean(rel));
        if (Lookup(dirRel).Kind != EntryKind.Directory) return false;
        using var dir = OpenDirectory(dirRel);
        if (Libc.TryLstatAt(dir.Fd, name, out _, out var err)) return true;
        if (err is Errno.ENOENT or Errno.ENOTDIR) return false;
        throw new NativeException("stat", Where(rel), err);
    }

    /// <summary>Removes a file or a link (never what a link points to); a missing entry is not an error.</summary>
    public void DeleteFile(string rel)
    {
        var (dirRel, name) = Split(Clean(rel));
        using var dir = OpenDirectory(dirRel);
        var err = Libc.TryUnlinkat(dir.Fd, name, 0);
        if (err != 0 && err != Errno.ENOENT) throw new NativeException("unlink", Where(rel), err);
        dir.Sync();
    }

    /// <summary>Empties a directory beneath the mount (an overlay reset), keeping the directory itself. Everything
    /// goes through descriptors: names are removed with unlinkat in their parent's descriptor, sub-folders opened
    /// with O_NOFOLLOW and only on this filesystem, symbolic links removed themselves and never followed. At most
    /// <see cref="MaxDeleteEntries"/> entries and <see cref="MaxDeleteDepth"/> levels; beyond that, or at a mount
    /// point inside, <see cref="RefusedPathException"/> (what was removed so far stays removed).</summary>
    public void EmptyDirectory(string rel)
    {
        rel = Clean(rel);
        using var dir = OpenDirectory(rel);
        var budget = MaxDeleteEntries;
        Empty(dir.Fd, dir.Path, 0, ref budget);
        dir.Sync();
    }

    private void Empty(SafeFd dir, string where, int depth, ref int budget)
    {
        if (depth >= MaxDeleteDepth)
            throw new RefusedPathException(where, $"folders nested deeper than {MaxDeleteDepth} levels");
        var names = new List<(string Name, byte Type)>();
        if (!Libc.TryReadDirectory(dir, budget + 1, names, out var err))
            throw new NativeException("getdents64", where, err);
        if (names.Count > budget)
            throw new RefusedPathException(where, $"more than {MaxDeleteEntries} entries to delete");
        foreach (var (name, _) in names)
        {
            budget--;
            var here = $"{where}/{PathText.Printable(name)}";
            if (!Libc.TryLstatAt(dir, name, out var st, out err))
            {
                if (err == Errno.ENOENT) continue;
                throw new NativeException("stat", here, err);
            }
            if (st.IsDirectory)
            {
                if (st.Dev != Device) throw new RefusedPathException(here, "another filesystem is mounted there");
                using (var sub = Libc.TryOpenat(dir, name, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW, out err)
                                 ?? throw new NativeException("open", here, err))
                {
                    var st2 = Libc.Fstat(sub, here);
                    if (st2.Dev != st.Dev || st2.Ino != st.Ino)
                        throw new RefusedPathException(here, "it changed while being emptied");
                    Empty(sub, here, depth + 1, ref budget);
                }
                err = Libc.TryUnlinkat(dir, name, Libc.AT_REMOVEDIR);
            }
            else err = Libc.TryUnlinkat(dir, name, 0);
            if (err != 0 && err != Errno.ENOENT) throw new NativeException("unlink", here, err);
        }
    }

    private SafeFd Resolve(string rel, out string canonical)
    {
        var r = PathResolver.Resolve(_fd, Device, rel, _walkOnly);
        if (r.Refusal is not null) throw Refused(rel, r.Refusal);
        if (r.Fd is null) throw new NativeException("open", Where(rel), r.Errno);
        canonical = r.Canonical;
        return r.Fd;
    }

    private SafeFd Reopen(string canonical, int flags, string rel)
    {
        const ulong rules = OpenHow.RESOLVE_BENEATH | OpenHow.RESOLVE_NO_XDEV | OpenHow.RESOLVE_NO_MAGICLINKS
                            | OpenHow.RESOLVE_NO_SYMLINKS;
        // the canonical path has no links left: the kernel may refuse every link now
        var err = Errno.ENOSYS;
        var fd = _walkOnly ? null : Libc.TryOpenat2(_fd, canonical, flags, rules, out err);
        if (fd is not null) return fd;
        if (err == Errno.ENOSYS) fd = ReopenByWalk(canonical, flags, out err);
        return fd ?? throw new NativeException("open", Where(rel), err);
    }

    /// <summary>Without openat2: open the parent by the walk, then the last name with O_NOFOLLOW.</summary>
    private SafeFd? ReopenByWalk(string canonical, int flags, out int err)
    {
        var (dirRel, name) = Split(canonical);
        var r = PathResolver.Walk(_fd, Device, dirRel);
        if (r.Fd is null) { err = r.Errno; return null; }
        using var parentPath = r.Fd;
        using var parent = Libc.TryOpenat(parentPath, ".", Libc.O_RDONLY | Libc.O_DIRECTORY, out err);
        return parent is null ? null : Libc.TryOpenat(parent, name, flags, out err);
    }

    private RefusedPathException Refused(string rel, string why) => new(Where(rel), why);

    private static string Clean(string rel) => rel.Trim('/');

    private static (string Dir, string Name) Split(string rel)
    {
        var i = rel.LastIndexOf('/');
        var name = i < 0 ? rel : rel[(i + 1)..];
        if (name is "" or "." or "..") throw new ArgumentException($"'{rel}' names no entry");
        return (i < 0 ? "" : rel[..i], name);
    }

    private static string Join(string dir, string name) => dir.Length == 0 ? name : dir + "/" + name;

    internal static string KindOf(StatBuf st) => (st.Mode & StatBuf.S_IFMT) switch
    {
        StatBuf.S_IFDIR => "a directory",
        StatBuf.S_IFREG => "a regular file",
        StatBuf.S_IFBLK => "a block device node",
        StatBuf.S_IFCHR => "a character device node",
        StatBuf.S_IFLNK => "a symbolic link",
        0x1000 => "a FIFO",
        0xC000 => "a socket",
        _ => "an unknown kind of file",
    };

    public void Dispose() => _fd.Dispose();
}
