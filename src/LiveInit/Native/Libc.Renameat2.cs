using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    /// <summary>renameat2 flags (&lt;linux/fs.h&gt;): fail with EEXIST rather than replace the target.</summary>
    public const uint RENAME_NOREPLACE = 1;

    [LibraryImport(Name, EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int renameat2_raw(SafeFd fromDir, string from, SafeFd toDir, string to, uint flags);

    /// <summary>renameat2(2); returns 0 or the errno.</summary>
    public static int TryRenameat2(SafeFd fromDir, string from, SafeFd toDir, string to, uint flags) =>
        renameat2_raw(fromDir, from, toDir, to, flags) == 0 ? 0 : Errno.Last;
}
