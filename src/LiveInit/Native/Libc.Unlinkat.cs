using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    public const int AT_REMOVEDIR = 0x200;

    [LibraryImport(Name, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int unlinkat_raw(SafeFd dirfd, string name, int flags);

    /// <summary>unlinkat(2) of a name in <paramref name="dir"/> (never follows a link); 0 or the errno.</summary>
    public static int TryUnlinkat(SafeFd dir, string name, int flags) => unlinkat_raw(dir, name, flags) == 0 ? 0 : Errno.Last;
}
