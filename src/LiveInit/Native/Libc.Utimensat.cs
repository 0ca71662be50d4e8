using System.Runtime.InteropServices;

namespace LiveInit.Native;

/// <summary>struct timespec (x86_64): seconds and nanoseconds, 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Timespec
{
    public long Sec, Nsec;
}

internal static partial class Libc
{
    public const int AT_FDCWD = -100;

    [LibraryImport(Name, EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int utimensat_raw(int dirfd, string path, Timespec* times, int flags);

    /// <summary>utimensat(2) with AT_SYMLINK_NOFOLLOW: access and modification times of the entry itself.</summary>
    public static unsafe int TrySetTimes(string path, Timespec atime, Timespec mtime)
    {
        var t = stackalloc Timespec[2];
        t[0] = atime;
        t[1] = mtime;
        return utimensat_raw(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : Errno.Last;
    }
}
