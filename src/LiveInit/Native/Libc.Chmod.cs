using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chmod_raw(string path, uint mode);

    /// <summary>chmod(2) with the permission bits and setuid/setgid/sticky (mode &amp; 07777).</summary>
    public static void Chmod(string path, uint mode) => Errno.Check(chmod_raw(path, mode & 0xFFF), "chmod", path);
}
