using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint read_raw(SafeFd fd, byte* buf, nuint count);

    [LibraryImport(Name, EntryPoint = "pread64", SetLastError = true)]
    private static unsafe partial nint pread_raw(SafeFd fd, byte* buf, nuint count, long offset);

    public static unsafe int Read(SafeFd fd, Span<byte> buffer, string what)
    {
        fixed (byte* p = buffer)
        {
            nint n;
            do n = read_raw(fd, p, (nuint)buffer.Length); while (n < 0 && Errno.Last == Errno.EINTR);
            return (int)Errno.Check((long)n, "read", what);
        }
    }

    /// <summary>pread(2) until the buffer is full or the end of the device; returns the bytes read.</summary>
    public static unsafe int PRead(SafeFd fd, Span<byte> buffer, long offset, string what)
    {
        var total = 0;
        fixed (byte* p = buffer)
        {
            while (total < buffer.Length)
            {
                var n = pread_raw(fd, p + total, (nuint)(buffer.Length - total), offset + total);
                if (n < 0 && Errno.Last == Errno.EINTR) continue;
                Errno.Check((long)n, "pread", what);
                if (n == 0) break;
                total += (int)n;
            }
        }
        return total;
    }
}
