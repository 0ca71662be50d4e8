using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "rmdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rmdir_raw(string path);

    public static void Rmdir(string path) => Errno.Check(rmdir_raw(path), "rmdir", path);
    public static int TryRmdir(string path) => rmdir_raw(path) == 0 ? 0 : Errno.Last;
}
