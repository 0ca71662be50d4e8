using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "fallocate64", SetLastError = true)]
    private static partial int fallocate_raw(SafeFd fd, int mode, long offset, long length);

    /// <summary>fallocate(2) mode 0: reserves the blocks of [offset, offset+length) (reading zeros) and extends the
    /// file; 0 or the errno (EOPNOTSUPP where the filesystem cannot, e.g. some FAT drivers: write zeros instead).</summary>
    public static int TryFallocate(SafeFd fd, long offset, long length) =>
        fallocate_raw(fd, 0, offset, length) == 0 ? 0 : Errno.Last;
}
