using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint lgetxattr_raw(string path, string name, byte* value, nuint size);

    /// <summary>lgetxattr(2) of the entry itself (a link is not followed); null with the errno (ENODATA: no
    /// such attribute, ENOTSUP: the filesystem keeps none). Values over 64 KiB (the kernel's limit) cannot exist.</summary>
    public static unsafe byte[]? TryGetXattr(string path, string name, out int errno)
    {
        var buf = new byte[65536];
        fixed (byte* p = buf)
        {
            var n = lgetxattr_raw(path, name, p, (nuint)buf.Length);
            errno = n < 0 ? Errno.Last : 0;
            return n < 0 ? null : buf.AsSpan(0, (int)n).ToArray();
        }
    }
}
