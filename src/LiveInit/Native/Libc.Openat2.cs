using System.Runtime.InteropServices;

namespace LiveInit.Native;

/// <summary>struct open_how (&lt;linux/openat2.h&gt;), 24 bytes; checked against gcc in a test.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct OpenHow
{
    public ulong Flags, Mode, Resolve;

    public const ulong RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04,
        RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10;
}

internal static partial class Libc
{
    private const long SYS_openat2 = 437;   // <asm/unistd_64.h>, Linux 5.6+

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long syscall_openat2(long number, SafeFd dirfd, string path, ref OpenHow how, nuint size);

    /// <summary>openat2(2) relative to <paramref name="dir"/>; returns the fd or null with the errno
    /// (ENOSYS on kernels before 5.6). O_CLOEXEC is always added.</summary>
    public static SafeFd? TryOpenat2(SafeFd dir, string path, int flags, ulong resolve, out int errno)
    {
        var how = new OpenHow { Flags = (ulong)(flags | O_CLOEXEC), Resolve = resolve };
        long fd;
        do fd = syscall_openat2(SYS_openat2, dir, path, ref how, (nuint)Marshal.SizeOf<OpenHow>());
        while (fd < 0 && Errno.Last == Errno.EINTR);
        errno = fd < 0 ? Errno.Last : 0;
        return fd < 0 ? null : new SafeFd((int)fd);
    }
}
