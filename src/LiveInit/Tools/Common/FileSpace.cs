using LiveInit.Native;

namespace LiveInit.Tools.Common;

/// <summary>Space on filesystems and in image files: free space up front (a tool refuses before it starts, not
/// half-way), and files grown with their blocks really reserved, so that a loop-mounted store can never fail a
/// write later because the filesystem holding it filled up.</summary>
public static class FileSpace
{
    public static long Free(string path)
    {
        var fs = Libc.Statfs(path);
        return (long)fs.BlocksAvailable * fs.BlockSize;
    }

    public static bool ReadOnly(string path) => (Libc.Statfs(path).Flags & StatfsBuf.ST_RDONLY) != 0;

    /// <summary>Refuses when the filesystem of <paramref name="dir"/> is read-only or has less than
    /// <paramref name="bytes"/> (plus 1 MiB of slack) free.</summary>
    public static void Require(string dir, long bytes, string what)
    {
        if (ReadOnly(dir)) throw new ToolFailure($"{dir} is on a read-only filesystem; remount it read-write (mount "
            + "-o remount,rw ...) first");
        var free = Free(dir);
        if (free < bytes + (1L << 20))
            throw new ToolFailure($"{what} needs {Say.Size(bytes)} but {dir} has only {Say.Size(free)} free; free "
                + "some space or choose a smaller size");
    }

    /// <summary>Reserves every block of a file again (mke2fs zeroes image files by punching holes where it can):
    /// fallocate over the whole length, a no-op where blocks exist. Best effort where the filesystem cannot.</summary>
    public static void Reserve(string file)
    {
        using var fd = Libc.Open(file, Libc.O_RDWR);
        if (Libc.TryFallocate(fd, 0, Libc.Fstat(fd, file).Size) == 0) Libc.Fsync(fd, file);
    }

    /// <summary>Grows a file to <paramref name="newSize"/> bytes with reserved blocks (fallocate; where the
    /// filesystem cannot, zeros are written, with progress). The new part reads as zeros.</summary>
    public static void Extend(string file, long newSize, string what)
    {
        using var fd = Libc.Open(file, Libc.O_RDWR);
        var old = Libc.Fstat(fd, file).Size;
        if (newSize <= old) return;
        var err = Libc.TryFallocate(fd, old, newSize - old);
        if (err == 0) { Libc.Fsync(fd, file); return; }
        if (err == Errno.ENOSPC) throw new NativeException("fallocate", file, err);
        using var s = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(Libc.Dup(fd, file), true),
            FileAccess.Write);
        s.Position = old;
        var zeros = new byte[1 << 20];
        var bar = new Progress(what, newSize - old);
        for (var left = newSize - old; left > 0;)
        {
            var n = (int)Math.Min(zeros.Length, left);
            s.Write(zeros, 0, n);
            left -= n;
            bar.Add(n);
        }
        s.Flush(flushToDisk: true);
        bar.Finish();
    }
}
