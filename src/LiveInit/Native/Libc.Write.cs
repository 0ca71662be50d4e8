using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint write_raw(SafeFd fd, byte* buf, nuint count);

    public static unsafe void Write(SafeFd fd, ReadOnlySpan<byte> data, string what)
    {
        fixed (byte* p = data)
        {
            var done = 0;
            while (done < data.Length)
            {
                var n = write_raw(fd, p + done, (nuint)(data.Length - done));
                if (n < 0 && Errno.Last == Errno.EINTR) continue;
                Errno.Check((long)n, "write", what);
                done += (int)n;
            }
        }
    }

    /// <summary>One write(2) attempt that never throws (for logging to /dev/kmsg and the console).</summary>
    public static unsafe bool TryWrite(SafeFd fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data) return write_raw(fd, p, (nuint)data.Length) == data.Length;
    }
}
