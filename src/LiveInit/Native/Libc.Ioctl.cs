using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int ioctl_ptr(SafeFd fd, ulong request, void* arg);

    [LibraryImport(Name, EntryPoint = "ioctl", SetLastError = true)]
    private static partial int ioctl_val(SafeFd fd, ulong request, ulong arg);

    public static unsafe int Ioctl(SafeFd fd, ulong request, void* arg, string name, string what) =>
        Errno.Check(ioctl_ptr(fd, request, arg), "ioctl " + name, what);

    public static int Ioctl(SafeFd fd, ulong request, ulong arg, string name, string what) =>
        Errno.Check(ioctl_val(fd, request, arg), "ioctl " + name, what);

    public static unsafe int TryIoctl(SafeFd fd, ulong request, void* arg, out int errno)
    {
        var r = ioctl_ptr(fd, request, arg);
        errno = r < 0 ? Errno.Last : 0;
        return r;
    }

    /// <summary>_IOC(dir, type, nr, size) as in &lt;asm-generic/ioctl.h&gt;.</summary>
    public static ulong IoctlCode(uint dir, uint type, uint nr, uint size) =>
        (dir << 30) | (size << 16) | (type << 8) | nr;
    public const uint IOC_NONE = 0, IOC_WRITE = 1, IOC_READ = 2;
}
