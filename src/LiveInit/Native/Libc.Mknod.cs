using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mknod_raw(string path, uint mode, ulong dev);

    /// <summary>Creates a block device node; an existing node is not an error.</summary>
    public static void MknodBlock(string path, uint major, uint minor)
    {
        if (mknod_raw(path, StatBuf.S_IFBLK | 0x180, StatBuf.MakeDev(major, minor)) == 0) return;
        var e = Errno.Last;
        if (e != Errno.EEXIST) throw new NativeException("mknod", $"{path} ({major}:{minor})", e);
    }

    public static void MknodChar(string path, uint major, uint minor, uint perm = 0x180)
    {
        if (mknod_raw(path, StatBuf.S_IFCHR | perm, StatBuf.MakeDev(major, minor)) == 0) return;
        var e = Errno.Last;
        if (e != Errno.EEXIST) throw new NativeException("mknod", $"{path} ({major}:{minor})", e);
    }

    /// <summary>mknod(2) of any kind (S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK with permission bits); throws on failure,
    /// an existing entry included. An overlayfs whiteout is a character device 0:0 with mode 0.</summary>
    public static void Mknod(string path, uint mode, ulong dev) =>
        Errno.Check(mknod_raw(path, mode, dev), "mknod", path);
}
