using System.Runtime.InteropServices;
using System.Text;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint llistxattr_raw(string path, byte* list, nuint size);

    /// <summary>The names of the extended attributes of the entry itself (llistxattr(2), links not followed);
    /// empty where the filesystem keeps none (ENOTSUP). Other failures throw.</summary>
    public static unsafe List<string> ListXattrs(string path)
    {
        var buf = new byte[65536];
        nint n;
        fixed (byte* p = buf) n = llistxattr_raw(path, p, (nuint)buf.Length);
        if (n < 0)
        {
            var e = Errno.Last;
            if (e is Errno.ENOTSUP or Errno.ENODATA) return [];
            throw new NativeException("llistxattr", path, e);
        }
        var names = new List<string>();
        var start = 0;
        for (var i = 0; i < n; i++)
        {
            if (buf[i] != 0) continue;
            if (i > start) names.Add(Encoding.UTF8.GetString(buf, start, i - start));
            start = i + 1;
        }
        return names;
    }
}
