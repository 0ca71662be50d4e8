using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    public const int CLONE_NEWNS = 0x20000;

    [LibraryImport(Name, EntryPoint = "unshare", SetLastError = true)]
    private static partial int unshare_raw(int flags);

    /// <summary>unshare(2). With CLONE_NEWNS only the calling thread moves to a new mount namespace.</summary>
    public static void Unshare(int flags) => Errno.Check(unshare_raw(flags), "unshare");
}
