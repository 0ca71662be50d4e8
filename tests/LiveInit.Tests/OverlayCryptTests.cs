using System.Text;
using LiveInit.Cli;
using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Plan;
using Xunit;

namespace LiveInit.Tests;

/// <summary>dracut-ng's encrypted overlay, <c>rd.overlay.crypt=&lt;DEV&gt;[,mapname=][,fstype=][,mkfs=][,timeout=]</c>
/// (its 71overlayfs-crypt module and TEST-21-OVERLAYFS): every device form and option, the bad values with what
/// LiveInit does instead (never a format it was not sure of), the explain text and JSON, and what
/// <c>mkinitramfs --overlay-crypt</c> puts into the image.</summary>
public sealed class OverlayCryptTests
{
    private static BootPlan Plan(string cmdline) => DialectSelector.Plan(KernelCommandLine.Parse(cmdline));

    private static OverlayCryptPlan Crypt(string cmdline) =>
        Assert.IsType<CryptOverlay>(Plan(cmdline).Writable).Crypt;

    [Theory]
    [InlineData("LABEL=CRYPT", DeviceSpecKind.Label, "CRYPT")]
    [InlineData("UUID=0f0f0f0f-2121-4121-8121-0000000000c1", DeviceSpecKind.Uuid, "0f0f0f0f-2121-4121-8121-0000000000c1")]
    [InlineData("PARTLABEL=crypt", DeviceSpecKind.PartLabel, "crypt")]
    [InlineData("PARTUUID=11111111-02", DeviceSpecKind.PartUuid, "11111111-02")]
    [InlineData("/dev/sdc", DeviceSpecKind.Path, "/dev/sdc")]
    [InlineData("sdc", DeviceSpecKind.Path, "/dev/sdc")]   // a bare name is a /dev name, as dracut-ng reads it
    [InlineData("/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_crypt", DeviceSpecKind.UdevLink,
        "by-id/scsi-0QEMU_QEMU_HARDDISK_crypt")]
    public void EveryDeviceFormWithTheDefaults(string dev, DeviceSpecKind kind, string value)
    {
        var p = Plan($"root=LABEL=dracut rd.overlay.crypt={dev}");
        var c = Assert.IsType<CryptOverlay>(p.Writable).Crypt;
        Assert.Equal(new DeviceSpec(kind, value), c.Device);
        Assert.Equal("overlay-crypt", c.MapName);
        Assert.Equal("/dev/mapper/overlay-crypt", c.MapperPath);
        Assert.Equal("ext4", c.Filesystem);
        Assert.True(c.Format);
        Assert.Equal(CommonParameters.DefaultWaitSeconds, c.WaitSeconds);
        Assert.Equal("/run/overlayfs-backing", c.BackingMount);
        Assert.Equal("/run/initramfs/overlayfs.passwd", c.PasswordFile);
        Assert.Equal("/sbin/cryptsetup", c.Cryptsetup);
        Assert.Equal("/sbin/mke2fs", c.Mkfs);
        Assert.True(p.OverlayRoot!.Overlay);   // rd.overlay.crypt implies an overlay root
        Assert.Equal("dracut", p.Dialect);
        Assert.Empty(p.Diagnostics);
    }

    [Fact]
    public void EveryOption()
    {
        var c = Crypt("root=LABEL=dracut rd.overlay.crypt=LABEL=CRYPT,mapname=my.ovl_1,fstype=ext3,mkfs=0,timeout=3,"
                      + "prompt=20");
        Assert.Equal(new OverlayCryptPlan(DeviceSpec.ByLabel("CRYPT"), "my.ovl_1", "ext3", false, 3, 20), c);
        Assert.Equal(0, Crypt("root=LABEL=dracut rd.overlay.crypt=LABEL=C,timeout=0").WaitSeconds);
        Assert.True(Crypt("root=LABEL=dracut rd.overlay.crypt=LABEL=C,mkfs=1").Format);
        Assert.Equal(7, Crypt("root=LABEL=dracut rd.retry=7 rd.overlay.crypt=LABEL=C").WaitSeconds);
    }

    [Theory]
    [InlineData("LABEL=C,size=3", "unknown option 'size=3' is not used")]
    [InlineData("LABEL=C,mapname=a/b", "mapname 'a/b' is not a device-mapper name")]
    [InlineData("LABEL=C,mapname=..", "mapname '..' is not a device-mapper name")]
    [InlineData("LABEL=C,mapname=control", "mapname 'control' is not a device-mapper name")]
    [InlineData("LABEL=C,timeout=soon", "timeout 'soon' is not a number of seconds")]
    [InlineData("LABEL=C,timeout=-1", "timeout '-1' is not a number of seconds")]
    [InlineData("LABEL=C,prompt=1", "prompt '1' is not a number of seconds")]
    public void BadOptionsAreWarnedAndTheDefaultKept(string value, string message)
    {
        var p = Plan($"root=LABEL=dracut rd.overlay.crypt={value}");
        var c = Assert.IsType<CryptOverlay>(p.Writable).Crypt;
        Assert.Equal("overlay-crypt", c.MapName);
        Assert.Equal(CommonParameters.DefaultWaitSeconds, c.WaitSeconds);
        Assert.Equal(OverlayCryptPlan.DefaultPromptSeconds, c.PromptSeconds);
        var d = Assert.Single(p.Diagnostics);
        Assert.Equal((Severity.Warning, "rd.overlay.crypt"), (d.Severity, d.Parameter));
        Assert.Contains(message, d.Message);
    }

    [Fact]
    public void AnUnclearMkfsMeansNoFormat()
    {
        var p = Plan("root=LABEL=dracut rd.overlay.crypt=LABEL=C,mkfs=yes");
        Assert.False(Assert.IsType<CryptOverlay>(p.Writable).Crypt.Format);
        Assert.Contains(p.Diagnostics, d => d.Message.Contains("mkfs 'yes' is neither 0 nor 1; using mkfs=0"));
    }

    [Theory]
    [InlineData("LABEL=C,fstype=xfs", "fstype 'xfs': LiveInit makes ext4, ext3 or ext2")]
    [InlineData("LABEL=C,fstype=vfat,mkfs=1", "fstype 'vfat'")]
    [InlineData("", "needs a device")]
    [InlineData("FOO=bar", "unknown tag 'FOO'")]
    [InlineData("/dev/../etc", "leaves /dev")]
    public void RefusedValuesMeanAnOverlayInRamAndNoDevice(string value, string message)
    {
        var p = Plan($"root=LABEL=dracut rd.overlay.crypt={value}");
        var o = Assert.IsType<LiveOsOverlay>(p.Writable);
        Assert.Null(o.PersistentDevice);
        Assert.True(p.OverlayRoot!.Overlay);
        var d = Assert.Single(p.Diagnostics);
        Assert.Equal((Severity.Error, "rd.overlay.crypt"), (d.Severity, d.Parameter));
        Assert.Contains(message, d.Message);
        Assert.Contains("RAM", d.Message);
    }

    [Fact]
    public void TheEncryptedOverlayWinsOverAnOverlayDeviceAndOverRdOverlay0()
    {
        var p = Plan("root=LABEL=dracut rd.overlay=LABEL=OVERLAY rd.overlay.crypt=LABEL=CRYPT");
        Assert.Equal(DeviceSpec.ByLabel("CRYPT"), Assert.IsType<CryptOverlay>(p.Writable).Crypt.Device);
        Assert.Contains(p.Diagnostics, d => d.Message.Contains("the overlay device LABEL=OVERLAY (rd.overlay) is not"));
        var zero = Plan("root=LABEL=dracut rd.overlay=0 rd.overlay.crypt=LABEL=CRYPT");
        Assert.True(zero.OverlayRoot!.Overlay);
        Assert.IsType<CryptOverlay>(zero.Writable);
        Assert.Contains(zero.Diagnostics, d => d.Parameter == "rd.overlay" && d.Message.Contains("rd.overlay=0"));
    }

    [Fact]
    public void ALiveMediumTakesTheEncryptedOverlayInsteadOfAnAutooverlay()
    {
        var p = Plan("root=live:/dev/disk/by-label/dracut rd.live.image rd.overlay=LABEL=persist "
                     + "rd.overlay.crypt=LABEL=CRYPT");
        Assert.Null(p.OverlayRoot);
        Assert.Null(p.AutoOverlay);
        Assert.Equal(DeviceSpec.ByLabel("CRYPT"), Assert.IsType<CryptOverlay>(p.Writable).Crypt.Device);
        Assert.Contains("open LABEL=CRYPT as /dev/mapper/overlay-crypt", ExplainCommand.Render(
            KernelCommandLine.Parse("root=live:LABEL=L rd.overlay.crypt=LABEL=CRYPT"), "text"));
    }

    [Fact]
    public void WithoutRdOverlayCryptNothingChanges()
    {
        Assert.IsType<LiveOsOverlay>(Plan("root=LABEL=dracut rd.overlay").Writable);
        Assert.False(DracutLiveDialect.HasOverlayRoot(KernelCommandLine.Parse("root=LABEL=dracut")));
        Assert.True(DracutLiveDialect.HasOverlayRoot(KernelCommandLine.Parse("root=LABEL=dracut rd.overlay.crypt=x")));
    }

    [Fact]
    public void ExplainSaysWhatIsFormattedWhereAndTheFallback()
    {
        var text = ExplainCommand.Render(KernelCommandLine.Parse("root=LABEL=dracut rd.overlay.crypt=LABEL=CRYPT"),
            "text");
        Assert.Contains("writable:  overlayfs, encrypted: upper /overlay and work /ovlwork on the LUKS volume "
                        + "LABEL=CRYPT (waited for 30 s) opened as /dev/mapper/overlay-crypt and mounted at "
                        + "/run/overlayfs-backing", text);
        Assert.Contains("FORMATTED (LUKS2 with a random passphrase saved in /run/initramfs/overlayfs.passwd, then "
                        + "ext4; needs /sbin/cryptsetup and /sbin/mke2fs: mkinitramfs --overlay-crypt)", text);
        Assert.Contains("the passphrase is asked on the console (3 tries of 60 s)", text);
        Assert.Contains("never the root's device or disk, nor a device in use", text);
        Assert.Contains("RAM (a tmpfs of its own", text);
        Assert.Contains("open LABEL=CRYPT as /dev/mapper/overlay-crypt", text);   // the step
        var noMkfs = ExplainCommand.Render(
            KernelCommandLine.Parse("root=LABEL=dracut rd.overlay.crypt=LABEL=CRYPT,mkfs=0"), "text");
        Assert.Contains("not LUKS: left untouched (mkfs=0)", noMkfs);
        Assert.DoesNotContain("FORMATTED", noMkfs);
        var json = ExplainCommand.Render(KernelCommandLine.Parse("root=LABEL=dracut rd.overlay.crypt=LABEL=CRYPT,"
                                                                 + "mapname=ovl"), "json");
        Assert.Contains("\"kind\": \"crypt\"", json);
        Assert.Contains("\"mapName\": \"ovl\"", json);
        Assert.Contains("\"backingMount\": \"/run/overlayfs-backing\"", json);
    }

    [Fact]
    public void MkinitramfsOverlayCryptBundlesCryptsetupMke2fsAndTheCipherModules()
    {
        if (!File.Exists("/usr/sbin/cryptsetup") && !File.Exists("/sbin/cryptsetup"))
            Assert.Fail("cryptsetup is not installed on this host (tests/setup.sh installs cryptsetup-bin)");
        var dir = Repo.TempDir("overlaycrypt");
        var mods = Path.Combine(dir, "lib/modules/6.0.0-test");
        var files = new[]
        {
            "kernel/drivers/md/dm-mod.ko", "kernel/drivers/md/dm-crypt.ko", "kernel/crypto/xts.ko",
            "kernel/crypto/ecb.ko", "kernel/crypto/af_alg.ko", "kernel/crypto/algif_skcipher.ko",
            "kernel/crypto/algif_hash.ko", "kernel/arch/x86/crypto/aesni-intel.ko",
        };
        foreach (var f in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(mods, f))!);
            File.WriteAllText(Path.Combine(mods, f), "MODULE " + f);
        }
        File.WriteAllText(Path.Combine(mods, "modules.dep"),
            "kernel/drivers/md/dm-mod.ko:\nkernel/drivers/md/dm-crypt.ko: kernel/drivers/md/dm-mod.ko\n"
            + "kernel/crypto/xts.ko:\nkernel/crypto/ecb.ko:\nkernel/crypto/af_alg.ko:\n"
            + "kernel/crypto/algif_skcipher.ko: kernel/crypto/af_alg.ko\nkernel/crypto/algif_hash.ko: "
            + "kernel/crypto/af_alg.ko\nkernel/arch/x86/crypto/aesni-intel.ko:\n");
        File.WriteAllText(Path.Combine(mods, "modules.alias"), "");
        File.WriteAllText(Path.Combine(mods, "modules.builtin"),
            "kernel/crypto/aes_generic.ko\nkernel/crypto/cbc.ko\nkernel/crypto/sha256_generic.ko\n"
            + "kernel/arch/x86/crypto/sha256-ssse3.ko\n");
        var agent = Path.Combine(dir, "agent");
        File.WriteAllText(agent, "AGENT");
        string Image(params string[] extra)
        {
            var output = Path.Combine(dir, $"i{extra.Length}.img");
            Assert.Equal(0, MkinitramfsCommand.Run(
                ["--modules-root", mods, "--kernel-release", "6.0.0-test", "--output", output, "--agent", agent,
                 "--no-shell", "--compress", "none", .. extra]));
            return Encoding.Latin1.GetString(File.ReadAllBytes(output));
        }
        var with = Image("--overlay-crypt");
        foreach (var name in (string[])["sbin/cryptsetup\0", "sbin/mke2fs\0", "libcryptsetup.so.12\0",
                     "libdevmapper.so.1.02.1\0", "libext2fs.so.2\0", "ld-linux-x86-64.so.2\0"])
            Assert.Contains(name, with);
        foreach (var f in files) Assert.Contains("MODULE " + f, with);
        var without = Image();
        Assert.DoesNotContain("sbin/cryptsetup\0", without);
        Assert.DoesNotContain("MODULE kernel/drivers/md/dm-crypt.ko", without);
        // both options: one mke2fs
        var both = Image("--overlay-crypt", "--autooverlay");
        Assert.Equal(1, CountOf(both, "sbin/mke2fs\0"));
    }

    [Fact]
    public void TheCpuDriversOnlyWhereTheCpuHasTheFeature()
    {
        var none = OverlayCryptPlan.ModulesFor("fpu vme de pse tsc msr pae").ToList();
        Assert.DoesNotContain("aesni_intel", none);
        Assert.DoesNotContain("sha256_ssse3", none);
        Assert.Contains("aes_generic", none);
        Assert.Contains("dm_crypt", none);
        Assert.Contains("xts", none);
        var all = OverlayCryptPlan.ModulesFor(" fpu ssse3 sse4_1 aes avx").ToList();
        Assert.Equal(OverlayCryptPlan.Modules, all);
    }

    private static int CountOf(string s, string what)
    {
        var n = 0;
        for (var i = s.IndexOf(what, StringComparison.Ordinal); i >= 0; i = s.IndexOf(what, i + 1, StringComparison.Ordinal))
            n++;
        return n;
    }
}

/// <summary>The passphrase's randomness: the kernel's initialised pool, bounded in time.</summary>
public class GetRandomTests
{
    [Fact]
    public void FillsFromTheKernelsPoolWithinItsTime()
    {
        var a = new byte[64];
        var b = new byte[64];
        Assert.True(LiveInit.Native.Libc.TryGetRandom(a, 5));
        Assert.True(LiveInit.Native.Libc.TryGetRandom(b, 5));
        Assert.Contains(a, x => x != 0);
        Assert.NotEqual(a, b);
    }
}
