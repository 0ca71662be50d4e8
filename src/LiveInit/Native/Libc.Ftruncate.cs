using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "ftruncate64", SetLastError = true)]
    private static partial int ftruncate_raw(SafeFd fd, long length);

    public static void Ftruncate(SafeFd fd, long length, string what) =>
        Errno.Check(ftruncate_raw(fd, length), "ftruncate", what);
}
