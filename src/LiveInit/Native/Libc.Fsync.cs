using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync_raw(SafeFd fd);

    public static void Fsync(SafeFd fd, string what) => Errno.Check(fsync_raw(fd), "fsync", what);
}
