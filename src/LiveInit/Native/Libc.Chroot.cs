using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "chroot", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chroot_raw(string path);

    public static void Chroot(string path) => Errno.Check(chroot_raw(path), "chroot", path);
}
