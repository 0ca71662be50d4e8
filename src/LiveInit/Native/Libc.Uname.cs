using System.Runtime.InteropServices;
using System.Text;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "uname", SetLastError = true)]
    private static unsafe partial int uname_raw(byte* buf);

    /// <summary>uname(2).release, e.g. "6.1.0-56-amd64". struct utsname is 6 fields of 65 bytes.</summary>
    public static unsafe string KernelRelease()
    {
        var buf = stackalloc byte[65 * 6];
        Errno.Check(uname_raw(buf), "uname");
        var release = new ReadOnlySpan<byte>(buf + 65 * 2, 65);
        var end = release.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? release : release[..end]);
    }
}
