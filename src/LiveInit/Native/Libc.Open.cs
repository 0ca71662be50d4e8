using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100,
        O_TRUNC = 0x200, O_APPEND = 0x400, O_NONBLOCK = 0x800, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000,
        O_CLOEXEC = 0x80000;

    [LibraryImport(Name, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open_raw(string path, int flags, int mode);

    /// <summary>open(2), throwing <see cref="NativeException"/> with the path on failure.</summary>
    public static SafeFd Open(string path, int flags, int mode = 0)
    {
        int fd;
        do fd = open_raw(path, flags | O_CLOEXEC, mode); while (fd < 0 && Errno.Last == Errno.EINTR);
        return new SafeFd(Errno.Check(fd, "open", path));
    }

    /// <summary>open(2) that reports failure as an errno instead of throwing.</summary>
    public static SafeFd? TryOpen(string path, int flags, out int errno, int mode = 0)
    {
        var fd = open_raw(path, flags | O_CLOEXEC, mode);
        errno = fd < 0 ? Errno.Last : 0;
        return fd < 0 ? null : new SafeFd(fd);
    }
}
