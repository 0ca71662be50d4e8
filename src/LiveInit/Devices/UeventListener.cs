using LiveInit.Native;

namespace LiveInit.Devices;

/// <summary>A NETLINK_KOBJECT_UEVENT socket bound to the kernel's broadcast group. Open it BEFORE the first
/// sysfs scan so a device that appears between the scan and the wait is never missed.</summary>
public sealed class UeventListener : IDisposable
{
    private readonly SafeFd _fd;
    private readonly byte[] _buffer = new byte[16384];

    private UeventListener(SafeFd fd) => _fd = fd;

    public static UeventListener? TryOpen(Action<string>? log = null)
    {
        try
        {
            var fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK, Libc.NETLINK_KOBJECT_UEVENT);
            Libc.TrySetsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, 4 << 20);
            Libc.Bind(fd, new SockaddrNetlink { Family = Libc.AF_NETLINK, Pid = 0, Groups = 1 });
            return new UeventListener(fd);
        }
        catch (NativeException e)
        {
            log?.Invoke($"uevent socket unavailable ({e.Message}); falling back to polling sysfs");
            return null;
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for events and returns all that are queued.</summary>
    public List<Uevent> Wait(int timeoutMs)
    {
        var events = new List<Uevent>();
        if (!Libc.PollIn(_fd, timeoutMs)) return events;
        while (true)
        {
            var n = Libc.Recv(_fd, _buffer);
            if (n <= 0) break;
            if (Uevent.Parse(_buffer.AsSpan(0, n)) is { } e) events.Add(e);
        }
        return events;
    }

    public void Dispose() => _fd.Dispose();
}
