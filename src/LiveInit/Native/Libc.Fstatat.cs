using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    public const int AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000;

    [LibraryImport(Name, EntryPoint = "fstatat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int fstatat_raw(SafeFd dirfd, string path, out StatBuf buf, int flags);

    /// <summary>fstatat(2) with AT_SYMLINK_NOFOLLOW: the entry itself, never what a link points to.</summary>
    public static bool TryLstatAt(SafeFd dir, string name, out StatBuf buf, out int errno)
    {
        var ok = fstatat_raw(dir, name, out buf, AT_SYMLINK_NOFOLLOW) == 0;
        errno = ok ? 0 : Errno.Last;
        return ok;
    }
}
