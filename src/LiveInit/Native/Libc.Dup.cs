using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    private const int F_DUPFD_CLOEXEC = 1030;

    [LibraryImport(Name, EntryPoint = "fcntl", SetLastError = true)]
    private static partial int fcntl_int(SafeFd fd, int cmd, int arg);

    /// <summary>fcntl(F_DUPFD_CLOEXEC): a second descriptor for the same open file, close-on-exec.</summary>
    public static nint Dup(SafeFd fd, string what) => Errno.Check(fcntl_int(fd, F_DUPFD_CLOEXEC, 3), "dup", what);
}
