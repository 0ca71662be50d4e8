using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int unlink_raw(string path);

    public static void Unlink(string path) => Errno.Check(unlink_raw(path), "unlink", path);
    public static int TryUnlink(string path) => unlink_raw(path) == 0 ? 0 : Errno.Last;
}
