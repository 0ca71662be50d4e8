using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "chdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chdir_raw(string path);

    public static void Chdir(string path) => Errno.Check(chdir_raw(path), "chdir", path);
}
