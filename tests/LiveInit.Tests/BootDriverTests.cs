using System.Collections.Concurrent;
using LiveInit.Boot.Steps;
using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Modules;
using LiveInit.Plan;

namespace LiveInit.Tests;

/// <summary>Only what the boot needs is loaded by default: storage and bus drivers by their place in the kernel
/// tree, the plan's modules behind them; <c>liveinit.coldplug=all</c> loads every matching driver.</summary>
public class BootDriverTests
{
    [Theory]
    [InlineData("kernel/drivers/ata/ahci.ko", true)]
    [InlineData("kernel/drivers/nvme/host/nvme.ko", true)]
    [InlineData("kernel/drivers/scsi/virtio_scsi.ko", true)]
    [InlineData("kernel/drivers/scsi/sr_mod.ko", true)]
    [InlineData("kernel/drivers/cdrom/cdrom.ko", true)]
    [InlineData("kernel/drivers/block/virtio_blk.ko", true)]
    [InlineData("kernel/drivers/virtio/virtio_pci.ko", true)]
    [InlineData("kernel/drivers/usb/host/xhci-pci.ko", true)]
    [InlineData("kernel/drivers/usb/storage/uas.ko.xz", true)]
    [InlineData("kernel/drivers/mmc/host/sdhci-pci.ko", true)]
    [InlineData("kernel/drivers/pci/controller/vmd.ko", true)]
    [InlineData("extra/liveinit_stuck.ko", true)]
    [InlineData("kernel/drivers/net/virtio_net.ko", false)]
    [InlineData("kernel/drivers/hid/usbhid/usbhid.ko", false)]
    [InlineData("kernel/drivers/input/serio/serio_raw.ko", false)]
    [InlineData("kernel/sound/pci/hda/snd-hda-intel.ko", false)]
    [InlineData("kernel/drivers/gpu/drm/bochs/bochs.ko", false)]
    [InlineData("kernel/drivers/usb/serial/usbserial.ko", false)]
    [InlineData("kernel/fs/ext4/ext4.ko", false)]
    public void StorageAndBusDriversAreTheBootsByTheirFolder(string path, bool boot) =>
        Assert.Equal(boot, BootDriverClass.IsBootDriver(path));

    [Theory]
    [InlineData("kernel/drivers/net/virtio_net.ko", true)]
    [InlineData("kernel/drivers/net/ethernet/intel/e1000/e1000.ko", true)]
    [InlineData("kernel/drivers/ata/ahci.ko", true)]
    [InlineData("kernel/drivers/hid/usbhid/usbhid.ko", false)]
    [InlineData("kernel/sound/pci/hda/snd-hda-intel.ko", false)]
    public void ANetworkBootCountsNetworkCardsAsTheBootsToo(string path, bool boot) =>
        Assert.Equal(boot, BootDriverClass.IsBootDriver(path, network: true));

    [Theory]
    [InlineData("pci:v00001AF4d00001001sv*sd*bc*sc*i*", true)]
    [InlineData("virtio:d00000002v*", true)]
    [InlineData("scsi:t-0x05*", true)]
    [InlineData("usb:v*p*d*dc*dsc*dp*ic08isc06ip50in*", true)]
    [InlineData("acpi*:PNP0A03:*", true)]
    [InlineData("platform:i8042", true)]
    [InlineData("fs-ext4", false)]
    [InlineData("crypto-crc32c", false)]
    [InlineData("devname:loop-control", false)]
    [InlineData("block-major-7-*", false)]
    [InlineData("cpu:type:x86,ven*fam*mod*:feature:*0094*", false)]
    [InlineData("symbol:dm_snapshot", false)]
    public void DeviceAliasesAreThoseOfABus(string pattern, bool device) =>
        Assert.Equal(device, ModuleIndex.IsDeviceAlias(pattern));

    [Fact]
    public void OnlyModulesThatDriveNoDeviceAreInsertedWithAsyncProbe()
    {
        // drivers keep synchronous probing (devices named in probe order); ext4, loop and libraries do not wait for
        // other modules' async probes
        var ix = new ModuleIndex("/lib/modules/test");
        ix.ParseDep("kernel/drivers/block/test_vblk.ko:\nkernel/drivers/block/test_loop.ko:\n"
                    + "kernel/fs/test_ext/test_ext.ko:\nkernel/drivers/ata/test_lib.ko:\n");
        ix.ParseAlias("alias virtio:d00000002v* test_vblk\nalias devname:loop-control test_loop\n"
                      + "alias block-major-7-* test_loop\nalias fs-ext4 test_ext\n");
        var r = new Recorder();
        using var loader = new ModuleLoader(ix, _ => { }, _ => { }, _ => { }, r, TimeSpan.FromSeconds(5));
        foreach (var m in new[] { "test_vblk", "test_loop", "test_ext", "test_lib" }) Assert.True(loader.Load(m));
        Assert.Equal([("test_vblk", false), ("test_loop", true), ("test_ext", true), ("test_lib", true)], r.Requests);
        Assert.Equal("", ModuleFile.ParametersOf(new ModuleRequest("/x/virtio_blk.ko", false)));
        Assert.Equal("async_probe=1", ModuleFile.ParametersOf(new ModuleRequest("/x/ext4.ko", true)));
    }

    private sealed class Recorder : IModuleInserter
    {
        public ConcurrentQueue<string> Order { get; } = new();
        public ConcurrentQueue<(string, bool)> Requests { get; } = new();
        /// <summary>While not set, the insert of test_net does not return (a bus driver still probing).</summary>
        public ManualResetEventSlim NetDone { get; } = new(true);
        public void Start(ModuleRequest request, Action<int> done)
        {
            var name = Path.GetFileNameWithoutExtension(request.Path);
            Order.Enqueue(name);
            Requests.Enqueue((name, request.AsyncProbe));
            if (name == "test_net") new Thread(() => { NetDone.Wait(); done(0); }) { IsBackground = true }.Start();
            else done(0);
        }
        public void Dispose() => NetDone.Set();
    }

    private const string Net = "pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00";
    private const string Blk = "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00";

    private static ModuleLoader Loader(Recorder r)
    {
        var ix = new ModuleIndex("/nonexistent/lib/modules/test");
        ix.ParseDep("kernel/drivers/net/test_net.ko:\nkernel/drivers/block/test_blk.ko:\nkernel/fs/test_fs/test_fs.ko:\n");
        ix.ParseAlias("alias pci:v00001AF4d00001000sv*sd*bc*sc*i* test_net\nalias pci:v00001AF4d00001001sv*sd*bc*sc*i* test_blk\n");
        return new ModuleLoader(ix, _ => { }, _ => { }, _ => { }, r, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void BootOnlyLeavesTheNetworkDriverToTheLiveSystemAndQueuesThePlansModulesBehind()
    {
        var r = new Recorder();
        using var loader = Loader(r);
        var traces = new ConcurrentQueue<string>();
        var q = new DriverQueue(loader, traces.Enqueue, bootOnly: true);
        Assert.False(q.Enqueue(Net));
        Assert.True(q.Enqueue(Blk));
        Assert.True(q.EnqueueModules(["test_fs"]));
        Assert.True(q.WaitIdle(5000));
        Assert.Equal(["test_blk", "test_fs"], r.Order);
        Assert.Contains(traces, t => t.Contains("test_net left to the live system"));
        q.Stop();
    }

    [Fact]
    public void ADeviceThatAppearsWhileThePlansModulesWaitHasItsDriverLoadedBeforeThem()
    {
        // the bus driver is loading; the plan's modules are queued behind it; then the bus's device appears
        // (virtio_blk behind virtio_pci): its driver is the next load, not the last
        var r = new Recorder();
        r.NetDone.Reset();
        using var loader = Loader(r);
        var q = new DriverQueue(loader, _ => { });
        Assert.True(q.Enqueue(Net));
        Assert.True(SpinWait.SpinUntil(() => r.Order.Contains("test_net"), 5000));
        Assert.True(q.EnqueueModules(["test_fs"]));
        Assert.True(q.Enqueue(Blk));
        r.NetDone.Set();
        Assert.True(q.WaitIdle(5000));
        Assert.Equal(["test_net", "test_blk", "test_fs"], r.Order);
        q.Stop();
    }

    [Fact]
    public void AllLoadsEveryMatchingDriver()
    {
        var r = new Recorder();
        using var loader = Loader(r);
        var q = new DriverQueue(loader, _ => { });
        Assert.True(q.Enqueue(Net));
        Assert.True(q.Enqueue(Blk));
        Assert.True(q.WaitIdle(5000));
        Assert.Equal(["test_net", "test_blk"], r.Order);
        q.Stop();
    }

    private static BootPlan PlanOf(string cmdline) => DialectSelector.Plan(KernelCommandLine.Parse(cmdline));

    [Fact]
    public void TheDefaultIsBootAndAllIsAskedFor()
    {
        Assert.Equal(ColdplugScope.Boot, PlanOf("archisolabel=X").Drivers!.Coldplug);
        Assert.Equal(ColdplugScope.All, PlanOf("archisolabel=X liveinit.coldplug=all").Drivers!.Coldplug);
        Assert.Contains("liveinit.coldplug=all", PlanText.Render(PlanOf("archisolabel=X liveinit.coldplug=all"), []));
        Assert.Contains("storage and bus drivers", new LoadDrivers(PlanOf("archisolabel=X")).Describe());
    }

    [Fact]
    public void ABadValueIsAnErrorNamingItAndTheDefaultIsUsed()
    {
        var plan = PlanOf("archisolabel=X liveinit.coldplug=most");
        Assert.Equal(ColdplugScope.Boot, plan.Drivers!.Coldplug);
        var d = Assert.Single(plan.Diagnostics, x => x.Parameter == "liveinit.coldplug");
        Assert.Equal(Severity.Error, d.Severity);
        Assert.Contains("'most' is not boot or all", d.Message);
    }
}
