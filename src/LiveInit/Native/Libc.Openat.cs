using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    public const int O_PATH = 0x200000;

    [LibraryImport(Name, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int openat_raw(SafeFd dirfd, string path, int flags, int mode);

    /// <summary>openat(2) relative to <paramref name="dir"/>; returns the fd or null with the errno.
    /// O_CLOEXEC is always added.</summary>
    public static SafeFd? TryOpenat(SafeFd dir, string path, int flags, out int errno, int mode = 0)
    {
        int fd;
        do fd = openat_raw(dir, path, flags | O_CLOEXEC, mode); while (fd < 0 && Errno.Last == Errno.EINTR);
        errno = fd < 0 ? Errno.Last : 0;
        return fd < 0 ? null : new SafeFd(fd);
    }
}
