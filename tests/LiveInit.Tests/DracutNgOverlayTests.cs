using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Plan;
using Xunit;

namespace LiveInit.Tests;

/// <summary>dracut-ng's rd.overlay forms (its overlayfs-lib get_rd_overlay and prepare-overlayfs), as the client
/// command lines of its TEST-30-DMSQUASH and TEST-21-OVERLAYFS use them.</summary>
public sealed class DracutNgOverlayTests
{
    private static BootPlan Plan(string cmdline) => DialectSelector.Plan(KernelCommandLine.Parse(cmdline));

    [Theory]
    [InlineData("rd.overlay", true)]
    [InlineData("rd.overlay=1", true)]
    [InlineData("rd.overlay=yes", true)]
    [InlineData("rd.overlay=0", false)]
    [InlineData("rd.overlay=off", false)]
    [InlineData("rd.live.overlay.overlayfs", true)]
    [InlineData("", false)]
    public void BooleanFormsChooseOverlayfsInRam(string arg, bool overlayfs)
    {
        var p = Plan($"root=live:/dev/disk/by-label/dracut rd.live.image {arg}");
        var o = Assert.IsType<LiveOsOverlay>(p.Writable);
        Assert.Equal(overlayfs, o.ForceOverlayfs);
        Assert.Null(o.PersistentDevice);
        Assert.DoesNotContain(p.Diagnostics, x => x.Severity == Severity.Error);
    }

    [Fact]
    public void TmpfsSizeSizesTheRamLayer()
    {
        var p = Plan("root=live:LABEL=L rd.overlay=tmpfs:size=32M,nr_inodes=100000");
        var o = Assert.IsType<LiveOsOverlay>(p.Writable);
        Assert.True(o.ForceOverlayfs);
        Assert.Equal(SizeSpec.OfMiB(32), o.Ram.Size);
        Assert.Empty(p.Diagnostics);
    }

    [Theory]
    // TEST-30's autooverlay lines: a bare rd.overlay first (the test's base line), the device after it
    [InlineData("rd.overlay root=live:/dev/disk/by-label/dracut rd.live.image rd.overlay=LABEL=persist "
                + "rd.live.dir=LiveOS")]
    [InlineData("rd.overlay root=live:/dev/disk/by-label/dracut rd.live.image rd.live.overlay=LABEL=persist "
                + "rd.live.dir=LiveOS")]
    public void DeviceFromTheLastRdOverlayOrTheDeprecatedName(string cmdline)
    {
        var o = Assert.IsType<LiveOsOverlay>(Plan(cmdline).Writable);
        Assert.Equal(DeviceSpec.ByLabel("persist"), o.PersistentDevice);
        Assert.True(o.ForceOverlayfs);
    }

    [Fact]
    public void UdevLinkAsOverlayDeviceAndCowfsIsReported()
    {
        var p = Plan("root=live:LABEL=L rd.overlay=/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_overlay "
                     + "rd.live.overlay.cowfs=xfs rd.overlay.reset");
        var o = Assert.IsType<LiveOsOverlay>(p.Writable);
        Assert.Equal(new DeviceSpec(DeviceSpecKind.UdevLink, "by-id/scsi-0QEMU_QEMU_HARDDISK_overlay"),
            o.PersistentDevice);
        Assert.True(o.Reset);
        Assert.Contains(p.Diagnostics, x => x.Parameter == "rd.live.overlay.cowfs" && x.Severity == Severity.Warning);
    }
}

/// <summary>dracut-ng's overlay over a normal root (its overlayfs module): root= without live: plus rd.overlay
/// chooses the dracut dialect and a plan whose medium is the root device.</summary>
public sealed class DracutNgOverlayRootTests
{
    private static BootPlan Plan(string cmdline) => DialectSelector.Plan(KernelCommandLine.Parse(cmdline));

    [Theory]
    [InlineData("root=LABEL=dracut rd.overlay=0", false, null)]
    [InlineData("root=LABEL=dracut rd.overlay", true, null)]
    [InlineData("root=LABEL=dracut rd.overlay=1", true, null)]
    [InlineData("root=LABEL=dracut rd.overlay=LABEL=OVERLAY", true, "LABEL=OVERLAY")]
    [InlineData("root=LABEL=dracut rd.overlay=/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_overlay", true,
        "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_overlay")]
    public void RootDeviceUnderAnOverlay(string cmdline, bool overlay, string? device)
    {
        var p = Plan(cmdline);
        Assert.Equal("dracut", p.Dialect);
        Assert.Equal(new OverlayRootPlan(overlay, false), p.OverlayRoot);
        Assert.Equal(DeviceSpec.ByLabel("dracut"), p.Medium.Device);
        Assert.Equal(OverlayRootPlan.RootBase, p.Medium.MountPoint);
        var o = Assert.IsType<LiveOsOverlay>(p.Writable);
        Assert.Equal(device, o.PersistentDevice?.ToString());
        Assert.Equal(device is null ? null : "overlay", o.OverlayPath);
        Assert.Empty(p.Diagnostics);
        var steps = LiveInit.Boot.BootSequence.For(p).Select(s => s.GetType().Name).ToList();
        Assert.Contains("UseRootDevice", steps);
        Assert.DoesNotContain("MountImage", steps);
        Assert.Equal(overlay, steps.Contains("AssembleRoot"));
    }

    [Fact]
    public void PlainRootWithoutRdOverlayIsNotClaimed()
    {
        Assert.False(DracutLiveDialect.Claims(KernelCommandLine.Parse("root=LABEL=dracut")));
        Assert.Null(Plan("root=live:LABEL=x").OverlayRoot);
    }
}
