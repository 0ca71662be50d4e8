using System.Runtime.InteropServices;
using LiveInit.Native;

namespace LiveInit.Tests;

/// <summary>The constants and struct the confined opener hands the kernel, compared with the C headers.</summary>
public class MediaConstantsTests
{
    [Fact]
    public unsafe void OpenHowAndResolveFlagsMatchTheCHeaders()
    {
        var src = Path.Combine(Repo.TempDir("media-consts"), "c.c");
        File.WriteAllText(src, """
            #define _GNU_SOURCE
            #include <stdio.h>
            #include <stddef.h>
            #include <fcntl.h>
            #include <sched.h>
            #include <stdio.h>
            #include <linux/openat2.h>
            #include <linux/fs.h>
            #include <sys/random.h>
            int main(void) {
              printf("%d ", GRND_NONBLOCK);
              printf("%zu %zu %zu %d %d %d %d %d %d %d %d %d %d %d %d %d %d\n", sizeof(struct open_how),
                offsetof(struct open_how, mode), offsetof(struct open_how, resolve),
                RESOLVE_NO_XDEV, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS, RESOLVE_BENEATH, RESOLVE_IN_ROOT,
                O_PATH, O_NOFOLLOW, O_DIRECTORY, O_CLOEXEC, AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, RENAME_NOREPLACE,
                CLONE_NEWNS, O_NONBLOCK);
              return 0;
            }
            """);
        var exe = src[..^2];
        var (cc, _, err) = Repo.Run("gcc", "-o", exe, src);
        Assert.True(cc == 0, err);
        var all = Repo.Run(exe).Out.Trim().Split(' ');
        Assert.Equal(Libc.GRND_NONBLOCK.ToString(), all[0]);
        var p = all[1..];
        Assert.Equal(sizeof(OpenHow).ToString(), p[0]);
        Assert.Equal(Marshal.OffsetOf<OpenHow>(nameof(OpenHow.Mode)).ToString(), p[1]);
        Assert.Equal(Marshal.OffsetOf<OpenHow>(nameof(OpenHow.Resolve)).ToString(), p[2]);
        Assert.Equal(OpenHow.RESOLVE_NO_XDEV.ToString(), p[3]);
        Assert.Equal(OpenHow.RESOLVE_NO_MAGICLINKS.ToString(), p[4]);
        Assert.Equal(OpenHow.RESOLVE_NO_SYMLINKS.ToString(), p[5]);
        Assert.Equal(OpenHow.RESOLVE_BENEATH.ToString(), p[6]);
        Assert.Equal(OpenHow.RESOLVE_IN_ROOT.ToString(), p[7]);
        Assert.Equal(Libc.O_PATH.ToString(), p[8]);
        Assert.Equal(Libc.O_NOFOLLOW.ToString(), p[9]);
        Assert.Equal(Libc.O_DIRECTORY.ToString(), p[10]);
        Assert.Equal(Libc.O_CLOEXEC.ToString(), p[11]);
        Assert.Equal(Libc.AT_SYMLINK_NOFOLLOW.ToString(), p[12]);
        Assert.Equal(Libc.AT_REMOVEDIR.ToString(), p[13]);
        Assert.Equal(Libc.RENAME_NOREPLACE.ToString(), p[14]);
        Assert.Equal(Libc.CLONE_NEWNS.ToString(), p[15]);
        Assert.Equal(Libc.O_NONBLOCK.ToString(), p[16]);
    }
}
