using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int lsetxattr_raw(string path, string name, byte* value, nuint size, int flags);

    /// <summary>lsetxattr(2) on the entry itself; 0 or the errno.</summary>
    public static unsafe int TrySetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value) return lsetxattr_raw(path, name, p, (nuint)value.Length, 0) == 0 ? 0 : Errno.Last;
    }
}
