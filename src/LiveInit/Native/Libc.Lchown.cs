using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown_raw(string path, uint uid, uint gid);

    /// <summary>lchown(2): owner and group of the entry itself (a link is not followed).</summary>
    public static void Lchown(string path, uint uid, uint gid) => Errno.Check(lchown_raw(path, uid, gid), "lchown", path);
}
