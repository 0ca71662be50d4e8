using System.Runtime.InteropServices;

namespace LiveInit.Native;

/// <summary>The one error policy: a failed call becomes a <see cref="NativeException"/> naming the call,
/// the path and the errno, e.g. <c>mount /dev/vda1 on /run/liveinit/media (vfat): EBUSY (Device or resource busy)</c>.</summary>
internal static class Errno
{
    public const int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, EBADF = 9, EAGAIN = 11,
        ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20,
        EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25, EFBIG = 27, ENOSPC = 28, ESPIPE = 29,
        EROFS = 30, ENAMETOOLONG = 36, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EOVERFLOW = 75,
        EBADMSG = 74, ENOTSUP = 95, ETIMEDOUT = 110, EKEYREJECTED = 129;
    public const int ENOEXEC = 8;   // execve of a file the kernel cannot run (a broken init)

    private static readonly Dictionary<int, string> Names = new()
    {
        [EPERM] = "EPERM", [ENOENT] = "ENOENT", [EINTR] = "EINTR", [EIO] = "EIO", [ENXIO] = "ENXIO", [E2BIG] = "E2BIG",
        [EBADF] = "EBADF", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM", [EACCES] = "EACCES", [EFAULT] = "EFAULT",
        [EBUSY] = "EBUSY", [EEXIST] = "EEXIST", [EXDEV] = "EXDEV", [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR",
        [EISDIR] = "EISDIR", [EINVAL] = "EINVAL", [ENFILE] = "ENFILE", [EMFILE] = "EMFILE", [ENOTTY] = "ENOTTY",
        [EFBIG] = "EFBIG", [ENOSPC] = "ENOSPC", [ESPIPE] = "ESPIPE", [EROFS] = "EROFS", [ENAMETOOLONG] = "ENAMETOOLONG",
        [ENOSYS] = "ENOSYS", [ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP", [ENODATA] = "ENODATA",
        [EOVERFLOW] = "EOVERFLOW", [EBADMSG] = "EBADMSG", [ENOTSUP] = "ENOTSUP", [ETIMEDOUT] = "ETIMEDOUT",
        [EKEYREJECTED] = "EKEYREJECTED",
        [ENOEXEC] = "ENOEXEC",
    };

    public static int Last => Marshal.GetLastPInvokeError();

    public static string Describe(int errno)
    {
        var name = Names.TryGetValue(errno, out var n) ? n : "errno " + errno;
        return $"{name} ({Marshal.GetPInvokeErrorMessage(errno)})";
    }

    /// <summary>Throws when <paramref name="result"/> is negative; returns it otherwise.</summary>
    public static int Check(int result, string call, string? what = null)
    {
        if (result < 0) throw new NativeException(call, what, Last);
        return result;
    }

    public static long Check(long result, string call, string? what = null)
    {
        if (result < 0) throw new NativeException(call, what, Last);
        return result;
    }
}

/// <summary>A failed system call, with the call, the object it was about and the errno.</summary>
internal sealed class NativeException(string call, string? what, int errno)
    : IOException(what is null ? $"{call}: {Native.Errno.Describe(errno)}" : $"{call} {what}: {Native.Errno.Describe(errno)}")
{
    public string Call { get; } = call;
    public int Code { get; } = errno;
}
