using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    // x86_64 numbers from <asm/unistd_64.h>; glibc 2.36 has no wrappers for these.
    private const long SYS_pivot_root = 155, SYS_init_module = 175, SYS_finit_module = 313;
    /// <summary>finit_module flag: let the kernel decompress .ko.xz/.ko.zst (Linux 6.4+ with CONFIG_MODULE_DECOMPRESS).</summary>
    public const int MODULE_INIT_COMPRESSED_FILE = 4;

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long syscall_fd_str_int(long number, int fd, string args, int flags);

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial long syscall_ptr_len_str(long number, byte* image, ulong length, string args);

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long syscall_str_str(long number, string a, string b);

    /// <summary>finit_module(2); returns 0 or the errno.</summary>
    public static int FinitModule(SafeFd fd, string parameters, int flags)
    {
        var ok = false;
        fd.DangerousAddRef(ref ok);
        try { return syscall_fd_str_int(SYS_finit_module, fd.Fd, parameters, flags) == 0 ? 0 : Errno.Last; }
        finally { if (ok) fd.DangerousRelease(); }
    }

    /// <summary>init_module(2) from a module image in memory; returns 0 or the errno.</summary>
    public static unsafe int InitModule(ReadOnlySpan<byte> image, string parameters)
    {
        fixed (byte* p = image) return syscall_ptr_len_str(SYS_init_module, p, (ulong)image.Length, parameters) == 0 ? 0 : Errno.Last;
    }

    /// <summary>pivot_root(2); returns 0 or the errno.</summary>
    public static int PivotRoot(string newRoot, string putOld) =>
        syscall_str_str(SYS_pivot_root, newRoot, putOld) == 0 ? 0 : Errno.Last;
}
