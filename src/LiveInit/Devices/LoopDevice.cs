using System.Runtime.InteropServices;
using System.Text;
using LiveInit.Native;

namespace LiveInit.Devices;

/// <summary>struct loop_info64 (&lt;linux/loop.h&gt;), 232 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LoopInfo64
{
    public ulong Device, Inode, RDevice, Offset, SizeLimit;
    public uint Number, EncryptType, EncryptKeySize, Flags;
    public fixed byte FileName[64];
    public fixed byte CryptName[64];
    public fixed byte EncryptKey[32];
    public fixed ulong Init[2];
}

/// <summary>struct loop_config (&lt;linux/loop.h&gt;), 304 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LoopConfig
{
    public uint Fd, BlockSize;
    public LoopInfo64 Info;
    public fixed ulong Reserved[8];
}

/// <summary>An attached loop device. Keep it until the device is mounted: the loop is autoclear, so it
/// detaches when its last user (this descriptor, or the mount) goes away.</summary>
internal sealed class AttachedLoop(string path, SafeFd fd) : IDisposable
{
    public string Path { get; } = path;
    public void Dispose() => fd.Dispose();
}

/// <summary>Attaches files to loop devices: LOOP_CTL_GET_FREE, then LOOP_CONFIGURE (Linux 5.8+), falling
/// back to LOOP_SET_FD + LOOP_SET_STATUS64. Devices are autoclear: they go away with their last mount.</summary>
public static class LoopDevice
{
    internal const ulong LOOP_SET_FD = 0x4C00, LOOP_CLR_FD = 0x4C01, LOOP_SET_STATUS64 = 0x4C04, LOOP_CONFIGURE = 0x4C0A,
        LOOP_CTL_GET_FREE = 0x4C82;
    internal const uint LO_FLAGS_READ_ONLY = 1, LO_FLAGS_AUTOCLEAR = 4, LO_FLAGS_PARTSCAN = 8;
    private const uint LoopMajor = 7;

    internal static AttachedLoop Attach(string file, bool readOnly)
    {
        using var backing = Libc.Open(file, readOnly ? Libc.O_RDONLY : Libc.O_RDWR);
        return Attach(backing, file, readOnly);
    }

    /// <summary>Attaches a file opened through the confined opener: the loop device gets this very
    /// descriptor, so a path on a medium is never resolved a second time.</summary>
    internal static AttachedLoop Attach(Media.ConfinedFile file, bool readOnly)
    {
        if (!readOnly && !file.Writable) throw new IOException($"{file.Where} was opened read-only; cannot attach it read-write");
        return Attach(file.Fd, file.Where, readOnly);
    }

    private static unsafe AttachedLoop Attach(SafeFd backing, string file, bool readOnly)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var n = GetFree();
            var dev = $"/dev/loop{n}";
            if (!Libc.TryStat(dev, out _)) Libc.MknodBlock(dev, LoopMajor, (uint)n);
            var loop = Libc.Open(dev, readOnly ? Libc.O_RDONLY : Libc.O_RDWR);
            var cfg = new LoopConfig { Fd = (uint)backing.DangerousGetHandle() };
            cfg.Info.Flags = LO_FLAGS_AUTOCLEAR | (readOnly ? LO_FLAGS_READ_ONLY : 0);
            var name = Encoding.UTF8.GetBytes(file);
            for (var i = 0; i < Math.Min(63, name.Length); i++) cfg.Info.FileName[i] = name[i];
            if (Libc.TryIoctl(loop, LOOP_CONFIGURE, &cfg, out var err) == 0) return new AttachedLoop(dev, loop);
            if (err == Errno.EBUSY) { loop.Dispose(); continue; }   // taken between GET_FREE and CONFIGURE
            if (err is not (Errno.EINVAL or Errno.ENOTTY)) { loop.Dispose(); throw new NativeException("ioctl LOOP_CONFIGURE", $"{dev} <- {file}", err); }
            if (Libc.TryIoctl(loop, LOOP_SET_FD, (void*)backing.DangerousGetHandle(), out err) != 0)
            {
                loop.Dispose();
                if (err == Errno.EBUSY) continue;
                throw new NativeException("ioctl LOOP_SET_FD", $"{dev} <- {file}", err);
            }
            // the file is bound now: if its status (autoclear, read-only) cannot be set, unbind it again, or the
            // loop device would stay attached to the file for as long as the system runs
            var info = cfg.Info;
            if (Libc.TryIoctl(loop, LOOP_SET_STATUS64, &info, out err) != 0)
            {
                Libc.TryIoctl(loop, LOOP_CLR_FD, null, out _);
                loop.Dispose();
                throw new NativeException("ioctl LOOP_SET_STATUS64", $"{dev} <- {file} (unbound again)", err);
            }
            return new AttachedLoop(dev, loop);
        }
        throw new IOException($"no free loop device for {file}: every attempt was taken by another process");
    }

    private static int GetFree()
    {
        if (!Libc.TryStat("/dev/loop-control", out _)) Libc.MknodChar("/dev/loop-control", 10, 237);
        using var ctl = Libc.Open("/dev/loop-control", Libc.O_RDWR);
        return Libc.Ioctl(ctl, LOOP_CTL_GET_FREE, 0UL, "LOOP_CTL_GET_FREE", "/dev/loop-control");
    }
}
