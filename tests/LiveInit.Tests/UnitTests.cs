using System.Runtime.InteropServices;
using LiveInit.Boot;
using LiveInit.Devices;
using LiveInit.Initramfs;
using LiveInit.Modules;
using LiveInit.Native;
using LiveInit.Plan;
using LiveInit.Probe.Filesystems;

namespace LiveInit.Tests;

public class UnitTests
{
    [Theory]
    [InlineData("pci:v00001AF4d00001001sv*sd*bc*sc*i*", "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00", true)]
    [InlineData("usb:v*p*d*dc*dsc*dp*ic08isc06ip50in*", "usb:v46F4p0001d0000dc00dsc00dp00ic08isc06ip50in00", true)]
    [InlineData("usb:v*p*d*dc*dsc*dp*ic08isc06ip50in*", "usb:v46F4p0001d0000dc00dsc00dp00ic03isc06ip50in00", false)]
    [InlineData("crypto-crc32c", "crypto-crc32c", true)]
    [InlineData("scsi:t-0x0[07]*", "scsi:t-0x07", true)]
    [InlineData("scsi:t-0x0[07]*", "scsi:t-0x05", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("[!a]bc", "abc", false)]
    public void GlobMatchesLikeFnmatch(string pattern, string text, bool match) => Assert.Equal(match, Glob.Match(pattern, text));

    [Fact]
    public void ModuleIndexParsesDepmodFormats()
    {
        var ix = new ModuleIndex("/lib/modules/x");
        ix.ParseDep("kernel/fs/ext4/ext4.ko: kernel/fs/jbd2/jbd2.ko kernel/lib/crc16.ko\nkernel/fs/jbd2/jbd2.ko:\nkernel/drivers/usb/storage/usb-storage.ko: kernel/drivers/usb/core/usbcore.ko\n");
        ix.ParseAlias("alias fs-ext4 ext4\nalias usb:v*p*d*dc*dsc*dp*ic08isc06ip50in* usb_storage\nalias crypto-crc32c crc32c_generic\n");
        ix.ParseSoftdep("softdep ext4 pre: crypto-crc32c\n");
        ix.ParseBuiltin("kernel/fs/overlayfs/overlay.ko\n");
        Assert.Equal(["jbd2", "crc16"], ix.DepsByName["ext4"]);
        Assert.Equal(["usb_storage"], ix.Resolve("usb-storage"));
        Assert.Equal(["usb_storage"], ix.Resolve("usb:v46F4p0001d0000dc00dsc00dp00ic08isc06ip50in00"));
        Assert.Equal(["crc32c_generic"], ix.Resolve("crypto-crc32c"));
        Assert.Equal(["crypto-crc32c"], ix.SoftDeps["ext4"].Pre);
        Assert.Contains("overlay", ix.Builtin);
    }

    [Fact]
    public void Sha512KnownAnswers()
    {
        Assert.Equal("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
            Sha512.HashHex(new MemoryStream()));
        Assert.Equal("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            Sha512.HashHex(new MemoryStream("abc"u8.ToArray())));
        var big = new byte[1_000_003];
        new Random(5).NextBytes(big);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA512.HashData(big)).ToLowerInvariant(), Sha512.HashHex(new MemoryStream(big)));
    }

    [Fact]
    public void CpioNewcIsReadByCpio()
    {
        var dir = Repo.TempDir("cpio");
        var file = Path.Combine(dir, "a.cpio");
        using (var f = File.Create(file))
        {
            var w = new CpioWriter(f);
            w.Directory("bin");
            w.File("bin/hello", "hi\n"u8);
            w.Symlink("bin/sh", "hello");
            w.CharDevice("console", 5, 1);
            w.Trailer();
        }
        var (code, list, err) = Repo.Run("bash", "-c", $"cpio -itv < {file}");
        Assert.True(code == 0, err);
        Assert.Contains("bin/hello", list);
        Assert.Contains("bin/sh -> hello", list);
        Assert.Matches(@"crw-------.*5,\s*1.*console", list);
        Assert.Equal(0, new FileInfo(file).Length % 512);
    }

    [Fact]
    public unsafe void StructLayoutsMatchTheCHeaders()
    {
        Assert.Equal(144, sizeof(StatBuf));
        Assert.Equal(120, sizeof(StatfsBuf));
        Assert.Equal(232, sizeof(LoopInfo64));
        Assert.Equal(304, sizeof(LoopConfig));
        Assert.Equal(12, sizeof(SockaddrNetlink));
        var src = Path.Combine(Repo.TempDir("structs"), "s.c");
        File.WriteAllText(src, """
            #include <stdio.h>
            #include <stddef.h>
            #include <sys/stat.h>
            #include <sys/statfs.h>
            #include <linux/loop.h>
            #include <sys/ioctl.h>
            #include <linux/dm-ioctl.h>
            int main(void) {
              printf("%zu %zu %zu %zu %zu %zu %zu %lu %lu %zu %zu %zu %lu %lu %lu\n", sizeof(struct stat), sizeof(struct statfs),
                sizeof(struct loop_info64), sizeof(struct loop_config), offsetof(struct stat, st_size),
                offsetof(struct loop_config, info), offsetof(struct loop_info64, lo_file_name),
                (unsigned long)LOOP_CONFIGURE, (unsigned long)LOOP_CTL_GET_FREE,
                sizeof(struct dm_ioctl), offsetof(struct dm_ioctl, dev), sizeof(struct dm_target_spec),
                (unsigned long)DM_DEV_CREATE, (unsigned long)DM_TABLE_LOAD, (unsigned long)DM_TABLE_STATUS);
              return 0;
            }
            """);
        var exe = src[..^2];
        var (cc, _, err) = Repo.Run("gcc", "-o", exe, src);
        Assert.True(cc == 0, err);
        var parts = Repo.Run(exe).Out.Trim().Split(' ');
        Assert.Equal(sizeof(StatBuf).ToString(), parts[0]);
        Assert.Equal(sizeof(StatfsBuf).ToString(), parts[1]);
        Assert.Equal(sizeof(LoopInfo64).ToString(), parts[2]);
        Assert.Equal(sizeof(LoopConfig).ToString(), parts[3]);
        Assert.Equal(Marshal.OffsetOf<StatBuf>(nameof(StatBuf.Size)).ToString(), parts[4]);
        Assert.Equal(Marshal.OffsetOf<LoopConfig>(nameof(LoopConfig.Info)).ToString(), parts[5]);
        Assert.Equal("56", parts[6]);
        Assert.Equal(LoopDevice.LOOP_CONFIGURE.ToString(), parts[7]);
        Assert.Equal(LoopDevice.LOOP_CTL_GET_FREE.ToString(), parts[8]);
        Assert.Equal(sizeof(LiveInit.Devices.DeviceMapper.DmIoctlHeader).ToString(), parts[9]);
        Assert.Equal(Marshal.OffsetOf<LiveInit.Devices.DeviceMapper.DmIoctlHeader>("Dev").ToString(), parts[10]);
        Assert.Equal(sizeof(LiveInit.Devices.DeviceMapper.DmTargetSpec).ToString(), parts[11]);
        Assert.Equal(LiveInit.Devices.DeviceMapper.DmIoctl.DM_DEV_CREATE.ToString(), parts[12]);
        Assert.Equal(LiveInit.Devices.DeviceMapper.DmIoctl.DM_TABLE_LOAD.ToString(), parts[13]);
        Assert.Equal(LiveInit.Devices.DeviceMapper.DmIoctl.DM_TABLE_STATUS.ToString(), parts[14]);
    }

    [Fact]
    public unsafe void DmTableBufferLayout()
    {
        var t = LiveInit.Devices.DeviceMapper.SnapshotTarget.Create("7:0", "7:1", 65536, persistent: true);
        Assert.Equal("0 65536 snapshot 7:0 7:1 P 8", t.ToString());
        var buf = LiveInit.Devices.DeviceMapper.DmDevice.Build("live-rw", 0, [t], out var size);
        Assert.Equal(buf.Length, size);
        Assert.Equal(0, (size - 312) % 8);
        Assert.Equal(4u, BitConverter.ToUInt32(buf, 0));
        Assert.Equal((uint)size, BitConverter.ToUInt32(buf, 12));
        Assert.Equal(312u, BitConverter.ToUInt32(buf, 16));
        Assert.Equal(1u, BitConverter.ToUInt32(buf, 20));
        Assert.Equal("live-rw", System.Text.Encoding.ASCII.GetString(buf, 48, 7));
        Assert.Equal(65536ul, BitConverter.ToUInt64(buf, 312 + 8));
        Assert.Equal("snapshot", System.Text.Encoding.ASCII.GetString(buf, 312 + 24, 8));
        Assert.Equal("7:0 7:1 P 8\0", System.Text.Encoding.ASCII.GetString(buf, 312 + 40, 12));
    }

    [Fact]
    public void NativeErrorsNameCallPathAndErrno()
    {
        var e = Assert.Throws<NativeException>(() => Libc.Open("/nonexistent/liveinit-test", Libc.O_RDONLY));
        Assert.Equal("open /nonexistent/liveinit-test: ENOENT (No such file or directory)", e.Message);
        var m = Assert.Throws<NativeException>(() => Libc.Mount("/dev/none", "/nonexistent-target", "vfat", 0, null));
        Assert.StartsWith("mount /dev/none on /nonexistent-target (vfat): ", m.Message);
    }

    [Fact]
    public void JolietMergeKeepsTheLongIsoTail()
    {
        var joliet = System.Text.Encoding.BigEndianUnicode.GetBytes("Naïve and very l");
        var iso = System.Text.Encoding.ASCII.GetBytes("NA_VE_AND_VERY_LOOOOOOOONG_LABEL");
        Assert.Equal("Naïve and very lOOOOOOOONG_LABEL", System.Text.Encoding.UTF8.GetString(Iso9660Prober.Merge(joliet, iso)));
    }

    [Fact]
    public void UeventParsing()
    {
        var msg = "add@/devices/pci0000:00/0000:00:02.0/usb2/2-1\0ACTION=add\0SUBSYSTEM=usb\0MODALIAS=usb:v46F4p0001\0"u8;
        var e = Uevent.Parse(msg)!;
        Assert.Equal("add", e.Action);
        Assert.Equal("usb", e.Subsystem);
        Assert.Equal("usb:v46F4p0001", e.Modalias);
        Assert.Null(Uevent.Parse("libudev\0junk"u8));
    }

    [Theory]
    [InlineData("256M", 256L << 20, "256m")]
    [InlineData("4G", 4L << 30, "4096m")]
    [InlineData("25%", 0, "25%")]
    public void SizeSpecs(string text, long bytes, string option)
    {
        Assert.True(SizeSpec.TryParse(text, out var s));
        Assert.Equal(bytes, s!.Bytes);
        Assert.Equal(option, s.MountOption);
    }

    [Fact]
    public void ResolveInRootKeepsAbsoluteLinksInside()
    {
        var root = Repo.TempDir("root");
        Directory.CreateDirectory(Path.Combine(root, "lib/systemd"));
        Directory.CreateDirectory(Path.Combine(root, "sbin"));
        File.WriteAllText(Path.Combine(root, "lib/systemd/systemd"), "");
        File.CreateSymbolicLink(Path.Combine(root, "sbin/init"), "/lib/systemd/systemd");
        Assert.Equal(root + "/lib/systemd/systemd", RootSwitcher.ResolveInRoot(root, "/sbin/init"));
    }
}
