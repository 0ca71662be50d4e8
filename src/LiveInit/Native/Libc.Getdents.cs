using System.Runtime.InteropServices;
using System.Text;

namespace LiveInit.Native;

internal static partial class Libc
{
    private const long SYS_getdents64 = 217;   // <asm/unistd_64.h>

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long syscall_getdents64(long number, SafeFd fd, byte* buf, nuint size);

    /// <summary>The names in a directory opened with O_RDONLY|O_DIRECTORY (struct linux_dirent64 records:
    /// u64 ino, s64 off, u16 reclen, u8 type, name), without "." and "..", at most <paramref name="max"/>
    /// of them (a hostile medium may hold millions). False with the errno on failure.</summary>
    public static unsafe bool TryReadDirectory(SafeFd dir, int max, List<(string Name, byte Type)> into, out int errno)
    {
        var buf = new byte[32 * 1024];
        errno = 0;
        fixed (byte* p = buf)
        {
            while (into.Count < max)
            {
                var n = syscall_getdents64(SYS_getdents64, dir, p, (nuint)buf.Length);
                if (n < 0) { errno = Errno.Last; if (errno == Errno.EINTR) continue; return false; }
                if (n == 0) return true;
                for (var off = 0; off + 19 <= n && into.Count < max;)
                {
                    var reclen = BitConverter.ToUInt16(buf, off + 16);
                    if (reclen < 19 || off + reclen > n) { errno = Errno.EIO; return false; }
                    var nameLen = Array.IndexOf(buf, (byte)0, off + 19, reclen - 19) - (off + 19);
                    if (nameLen < 0) nameLen = reclen - 19;
                    var name = Encoding.UTF8.GetString(buf, off + 19, nameLen);
                    if (name is not ("." or "..")) into.Add((name, buf[off + 18]));
                    off += reclen;
                }
            }
        }
        return true;
    }

    /// <summary>d_type values of linux_dirent64 (&lt;dirent.h&gt;).</summary>
    public const byte DT_UNKNOWN = 0, DT_DIR = 4, DT_REG = 8, DT_LNK = 10;
}
