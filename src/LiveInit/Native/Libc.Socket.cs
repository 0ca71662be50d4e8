using System.Runtime.InteropServices;

namespace LiveInit.Native;

[StructLayout(LayoutKind.Sequential)]
internal struct SockaddrNetlink
{
    public ushort Family;
    public ushort Pad;
    public uint Pid;
    public uint Groups;
}

[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short REvents;
}

internal static partial class Libc
{
    public const int AF_NETLINK = 16, SOCK_DGRAM = 2, SOCK_CLOEXEC = 0x80000, SOCK_NONBLOCK = 0x800,
        NETLINK_KOBJECT_UEVENT = 15, SOL_SOCKET = 1, SO_RCVBUFFORCE = 33, SO_RCVBUF = 8;
    public const short POLLIN = 1;

    [LibraryImport(Name, EntryPoint = "socket", SetLastError = true)]
    private static partial int socket_raw(int domain, int type, int protocol);

    [LibraryImport(Name, EntryPoint = "bind", SetLastError = true)]
    private static partial int bind_raw(SafeFd fd, in SockaddrNetlink addr, int len);

    [LibraryImport(Name, EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int setsockopt_raw(SafeFd fd, int level, int name, in int value, int len);

    [LibraryImport(Name, EntryPoint = "recv", SetLastError = true)]
    private static unsafe partial nint recv_raw(SafeFd fd, byte* buf, nuint len, int flags);

    [LibraryImport(Name, EntryPoint = "poll", SetLastError = true)]
    private static partial int poll_raw(ref PollFd fds, ulong n, int timeoutMs);

    public static SafeFd Socket(int domain, int type, int protocol) =>
        new(Errno.Check(socket_raw(domain, type | SOCK_CLOEXEC, protocol), "socket", $"domain {domain} protocol {protocol}"));

    public static void Bind(SafeFd fd, SockaddrNetlink addr) =>
        Errno.Check(bind_raw(fd, addr, Marshal.SizeOf<SockaddrNetlink>()), "bind", "netlink");

    public static int TrySetsockopt(SafeFd fd, int level, int name, int value) =>
        setsockopt_raw(fd, level, name, value, sizeof(int)) == 0 ? 0 : Errno.Last;

    /// <summary>recv(2) on a non-blocking socket: bytes received, or 0 when nothing is waiting.</summary>
    public static unsafe int Recv(SafeFd fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var n = recv_raw(fd, p, (nuint)buffer.Length, 0);
            if (n >= 0) return (int)n;
            var e = Errno.Last;
            if (e is Errno.EAGAIN or Errno.EINTR) return 0;
            throw new NativeException("recv", "uevent socket", e);
        }
    }

    /// <summary>Waits until fd is readable or the timeout passes; true when readable.</summary>
    public static bool PollIn(SafeFd fd, int timeoutMs)
    {
        var ok = false;
        fd.DangerousAddRef(ref ok);
        try
        {
            var p = new PollFd { Fd = fd.Fd, Events = POLLIN };
            var r = poll_raw(ref p, 1, timeoutMs);
            if (r < 0 && Errno.Last == Errno.EINTR) return false;
            Errno.Check(r, "poll", "uevent socket");
            return r > 0;
        }
        finally { if (ok) fd.DangerousRelease(); }
    }
}
