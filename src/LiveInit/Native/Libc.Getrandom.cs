using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "getrandom", SetLastError = true)]
    private static unsafe partial nint getrandom_raw(byte* buf, nuint count, uint flags);

    /// <summary>getrandom(2) from the kernel's pool (blocking until it is initialised, as the flags 0 ask): fills
    /// <paramref name="buffer"/> or throws.</summary>
    public static unsafe void GetRandom(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var done = 0;
            while (done < buffer.Length)
            {
                var n = getrandom_raw(p + done, (nuint)(buffer.Length - done), 0);
                if (n < 0 && Errno.Last == Errno.EINTR) continue;
                Errno.Check((long)n, "getrandom", "the kernel's random pool");
                done += (int)n;
            }
        }
    }
}
