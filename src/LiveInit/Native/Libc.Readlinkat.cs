using System.Runtime.InteropServices;
using System.Text;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint readlinkat_raw(SafeFd dirfd, string path, byte* buf, nuint size);

    /// <summary>readlinkat(2) (an empty <paramref name="path"/> reads the link an O_PATH|O_NOFOLLOW fd is
    /// on); null with the errno on failure. Targets longer than 4095 bytes are an error (ENAMETOOLONG).</summary>
    public static unsafe string? TryReadlinkat(SafeFd dir, string path, out int errno)
    {
        var buf = new byte[4096];
        fixed (byte* p = buf)
        {
            var n = readlinkat_raw(dir, path, p, (nuint)buf.Length);
            errno = n < 0 ? Errno.Last : n >= buf.Length ? Errno.ENAMETOOLONG : 0;
            return errno != 0 ? null : Encoding.UTF8.GetString(buf, 0, (int)n);
        }
    }
}
