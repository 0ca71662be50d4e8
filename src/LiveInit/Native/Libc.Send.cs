using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "send", SetLastError = true)]
    private static unsafe partial nint send_raw(SafeFd fd, byte* buf, nuint len, int flags);

    /// <summary>send(2) of one whole datagram (a netlink request: to the kernel, the socket's default peer).</summary>
    public static unsafe void Send(SafeFd fd, ReadOnlySpan<byte> data, string what)
    {
        fixed (byte* p = data)
        {
            while (true)
            {
                var n = send_raw(fd, p, (nuint)data.Length, 0);
                if (n < 0 && Errno.Last == Errno.EINTR) continue;
                Errno.Check((long)n, "send", what);
                if (n != data.Length) throw new NativeException("send", $"{what} (short: {n} of {data.Length})", Errno.EIO);
                return;
            }
        }
    }
}
