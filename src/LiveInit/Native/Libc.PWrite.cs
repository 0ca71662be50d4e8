using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "pwrite64", SetLastError = true)]
    private static unsafe partial nint pwrite_raw(SafeFd fd, byte* buf, nuint count, long offset);

    /// <summary>pwrite(2) until every byte is written; returns the bytes written.</summary>
    public static unsafe int PWrite(SafeFd fd, ReadOnlySpan<byte> data, long offset, string what)
    {
        var done = 0;
        fixed (byte* p = data)
        {
            while (done < data.Length)
            {
                var n = pwrite_raw(fd, p + done, (nuint)(data.Length - done), offset + done);
                if (n < 0 && Errno.Last == Errno.EINTR) continue;
                Errno.Check((long)n, "pwrite", what);
                if (n == 0) break;
                done += (int)n;
            }
        }
        return done;
    }
}
