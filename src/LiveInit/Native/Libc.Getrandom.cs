using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "getrandom", SetLastError = true)]
    private static unsafe partial nint getrandom_raw(byte* buf, nuint count, uint flags);

    /// <summary>getrandom(2)'s flag: fail with EAGAIN instead of blocking while the pool is not initialised.</summary>
    public const uint GRND_NONBLOCK = 1;

    /// <summary>getrandom(2) from the kernel's initialised pool, never a weaker source: fills
    /// <paramref name="buffer"/> and returns true, or false when the pool is still not initialised after
    /// <paramref name="seconds"/>. A blocking call is what makes a kernel from 5.4 on generate entropy from CPU
    /// jitter when it has none yet (a VM with no RNG device and no RDRAND), so when the pool is not ready the
    /// blocking call runs on a background thread, waited for at most that long: an older kernel could block forever,
    /// and PID 1 must not hang. Throws on any other error.</summary>
    public static bool TryGetRandom(Span<byte> buffer, int seconds)
    {
        if (Fill(buffer, GRND_NONBLOCK)) return true;
        var bytes = new byte[buffer.Length];
        var done = false;
        Exception? error = null;
        var t = new Thread(() =>
        {
            try { done = Fill(bytes, 0); }
            catch (Exception e) { error = e; }
        }) { IsBackground = true, Name = "getrandom" };
        t.Start();
        if (!t.Join(seconds * 1000)) return false;
        if (error is not null) throw error;
        if (!done) return false;
        bytes.CopyTo(buffer);
        return true;
    }

    /// <summary>Fills the buffer with getrandom(2) and <paramref name="flags"/>; false on EAGAIN (GRND_NONBLOCK and
    /// the pool not initialised), throws on any other error.</summary>
    private static unsafe bool Fill(Span<byte> buffer, uint flags)
    {
        fixed (byte* p = buffer)
        {
            var n0 = 0;
            while (n0 < buffer.Length)
            {
                var n = getrandom_raw(p + n0, (nuint)(buffer.Length - n0), flags);
                if (n < 0 && Errno.Last == Errno.EINTR) continue;
                if (n < 0 && Errno.Last == Errno.EAGAIN) return false;
                Errno.Check((long)n, "getrandom", "the kernel's random pool");
                n0 += (int)n;
            }
        }
        return true;
    }
}
