using LiveInit.Devices;
using LiveInit.Native;

namespace LiveInit.Tools.Common;

/// <summary>Loop devices seen from the running system: which ones a file backs (LOOP_GET_STATUS64 gives the
/// device and inode of the backing file, so a renamed or re-mounted path still matches), and telling one that
/// its file grew (LOOP_SET_CAPACITY, as losetup -c does).</summary>
public static class LoopBacking
{
    internal const ulong LOOP_GET_STATUS64 = 0x4C05, LOOP_SET_CAPACITY = 0x4C07;

    /// <summary>/dev/loopN of every attached loop device whose backing file is <paramref name="file"/>.</summary>
    public static List<string> DevicesOf(string file)
    {
        var st = Libc.Stat(file);
        var found = new List<string>();
        if (!Directory.Exists("/sys/block")) return found;
        foreach (var dir in Directory.GetDirectories("/sys/block", "loop*").Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(dir, "loop/backing_file"))) continue;   // not attached
            var dev = "/dev/" + Path.GetFileName(dir);
            if (Status(dev) is { } info && info.Device == st.Dev && info.Inode == st.Ino) found.Add(dev);
        }
        return found;
    }

    private static unsafe LoopInfo64? Status(string dev)
    {
        using var fd = Libc.TryOpen(dev, Libc.O_RDONLY, out _);
        if (fd is null) return null;
        var info = new LoopInfo64();
        return Libc.TryIoctl(fd, LOOP_GET_STATUS64, &info, out _) == 0 ? info : null;
    }

    /// <summary>Makes the loop device re-read the size of its backing file.</summary>
    public static void SetCapacity(string dev)
    {
        using var fd = Libc.Open(dev, Libc.O_RDONLY);
        Libc.Ioctl(fd, LOOP_SET_CAPACITY, 0UL, "LOOP_SET_CAPACITY", dev);
    }
}
