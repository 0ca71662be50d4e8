using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkdirat_raw(SafeFd dirfd, string name, uint mode);

    /// <summary>mkdirat(2); returns 0 or the errno (EEXIST included: the caller decides).</summary>
    public static int TryMkdirat(SafeFd dir, string name, uint mode = 0x1ED) =>
        mkdirat_raw(dir, name, mode) == 0 ? 0 : Errno.Last;
}
