using System.Runtime.InteropServices;
using LiveInit.Devices.DeviceMapper;
using LiveInit.Native;
using LiveInit.Tools.Common;

namespace LiveInit.Tests.Tools;

/// <summary>The kernel and libc constants and structs the live-system tools hand the kernel, compared with the
/// C headers by gcc.</summary>
public class ToolsConstantsTests
{
    [Fact]
    public unsafe void TheToolsConstantsMatchTheCHeaders()
    {
        var src = Path.Combine(Repo.TempDir("tools-consts"), "c.c");
        File.WriteAllText(src, """
            #define _GNU_SOURCE
            #include <stdio.h>
            #include <stddef.h>
            #include <fcntl.h>
            #include <time.h>
            #include <sys/stat.h>
            #include <sys/ioctl.h>
            #include <linux/loop.h>
            #include <linux/dm-ioctl.h>
            int main(void) {
              printf("%lu %lu %d %zu %zu %d %d %lu %d\n", (unsigned long)LOOP_GET_STATUS64, (unsigned long)LOOP_SET_CAPACITY,
                DM_STATUS_TABLE_FLAG, sizeof(struct timespec), offsetof(struct timespec, tv_nsec), AT_FDCWD, S_IFCHR,
                (unsigned long)DM_TABLE_STATUS, DM_READONLY_FLAG);
              return 0;
            }
            """);
        var exe = src[..^2];
        var (cc, _, err) = Repo.Run("gcc", "-o", exe, src);
        Assert.True(cc == 0, err);
        var p = Repo.Run(exe).Out.Trim().Split(' ');
        Assert.Equal(LoopBacking.LOOP_GET_STATUS64.ToString(), p[0]);
        Assert.Equal(LoopBacking.LOOP_SET_CAPACITY.ToString(), p[1]);
        Assert.Equal(DmIoctl.DM_STATUS_TABLE_FLAG.ToString(), p[2]);
        Assert.Equal(sizeof(Timespec).ToString(), p[3]);
        Assert.Equal(Marshal.OffsetOf<Timespec>(nameof(Timespec.Nsec)).ToString(), p[4]);
        Assert.Equal(Libc.AT_FDCWD.ToString(), p[5]);
        Assert.Equal(StatBuf.S_IFCHR.ToString(), p[6]);
        Assert.Equal(DmIoctl.DM_TABLE_STATUS.ToString(), p[7]);
        Assert.Equal(DmIoctl.DM_READONLY_FLAG.ToString(), p[8]);
    }
}
