using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "symlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int symlink_raw(string target, string linkPath);

    public static void Symlink(string target, string linkPath) =>
        Errno.Check(symlink_raw(target, linkPath), "symlink", $"{linkPath} -> {target}");
}
