using System.Collections.Concurrent;
using System.Diagnostics;
using LiveInit.Boot;
using LiveInit.Cmdline;
using LiveInit.Devices;
using LiveInit.Dialects;
using LiveInit.Modules;

namespace LiveInit.Tests;

/// <summary>Every wait on a module load ends at its deadline, whatever the module does: a fake inserter stands
/// for finit_module and never returns for modules named "*stuck*" until the test releases them.</summary>
public class ModuleWaitTests
{
    private const string Ok = "liveinit_test_ok", Stuck = "liveinit_test_stuck", NeedsStuck = "liveinit_test_stuck_too";
    private const string OkAlias = "pci:v0000AAAAd00000001sv00000000sd00000000bc02sc00i00";
    private const string StuckAlias = "pci:v0000BBBBd00000001sv00000000sd00000000bc02sc00i00";

    private sealed class FakeInserter : IModuleInserter
    {
        public ManualResetEventSlim Release { get; } = new(false);
        public ConcurrentQueue<string> Started { get; } = new();

        public void Start(ModuleRequest request, Action<int> done)
        {
            var path = request.Path;
            Started.Enqueue(Path.GetFileName(path));
            new Thread(() =>
            {
                if (path.Contains("stuck")) Release.Wait();
                done(0);
            }) { IsBackground = true }.Start();
        }

        public void Dispose() => Release.Set();
    }

    private sealed class Messages
    {
        public ConcurrentQueue<string> Warnings { get; } = new();
        public ConcurrentQueue<string> Notices { get; } = new();
        public ConcurrentQueue<string> Info { get; } = new();
    }

    private static ModuleLoader Loader(FakeInserter fake, Messages m, int limitMs)
    {
        var ix = new ModuleIndex("/nonexistent/lib/modules/test");
        ix.ParseDep($"kernel/{Ok}.ko:\nkernel/{Stuck}.ko:\nkernel/{NeedsStuck}.ko: kernel/{Stuck}.ko\n");
        ix.ParseAlias($"alias pci:v0000AAAAd*sv*sd*bc*sc*i* {Ok}\nalias pci:v0000BBBBd*sv*sd*bc*sc*i* {Stuck}\n");
        return new ModuleLoader(ix, m.Info.Enqueue, m.Warnings.Enqueue, m.Notices.Enqueue, fake, TimeSpan.FromMilliseconds(limitMs));
    }

    private static long Timed(Action a)
    {
        var sw = Stopwatch.StartNew();
        a();
        return sw.ElapsedMilliseconds;
    }

    [Fact]
    public void AStuckModuleIsGivenUpAtItsLimitNamedOnceAndCountedWhenItFinishesLate()
    {
        var fake = new FakeInserter();
        var m = new Messages();
        using var loader = Loader(fake, m, limitMs: 800);
        var ok = true;
        var ms = Timed(() => ok = loader.Load(Stuck));
        Assert.False(ok);
        Assert.InRange(ms, 700, 3000);
        Assert.Matches($"^module {Stuck} has not finished loading after 1 s; continuing without it$", Assert.Single(m.Warnings));
        Assert.Contains(loader.InFlight(), f => f.Name == Stuck);

        // the next caller does not wait again, and the other modules load
        Assert.InRange(Timed(() => ok = loader.Load(Stuck)), 0, 200);
        Assert.False(ok);
        Assert.True(loader.Load(Ok));
        Assert.Single(m.Warnings);

        // it finishes after all: loaded from then on, and the console says so
        Assert.True(loader.WaitInFlight(0));   // what FinishDrivers waits for: not a module already named
        fake.Release.Set();
        Assert.True(SpinWait.SpinUntil(() => m.Notices.Any(n => n.StartsWith($"module {Stuck} finished loading after",
            StringComparison.Ordinal)), 5000));
        Assert.True(loader.Load(Stuck));
        Assert.Equal(2, loader.LoadedCount);
    }

    [Fact]
    public void WaitingForAnotherThreadsLoadOfTheSameModuleIsBounded()
    {
        var fake = new FakeInserter();
        var m = new Messages();
        using var loader = Loader(fake, m, limitMs: 1000);
        // A loads stuck_too: its dependency takes the whole limit, then its own insert another limit (2 s)
        var a = new Thread(() => loader.Load(NeedsStuck)) { IsBackground = true };
        a.Start();
        Thread.Sleep(100);
        // B wants the same module meanwhile: it waits at most one limit, not for A's whole chain
        var got = true;
        var ms = Timed(() => got = loader.Load(NeedsStuck));
        Assert.False(got);
        Assert.InRange(ms, 800, 1800);
        Assert.True(a.Join(5000));
        Assert.Equal(2, m.Warnings.Count);   // stuck, then stuck_too: each named once
        Assert.Equal(1, fake.Started.Count(s => s == $"{NeedsStuck}.ko"));   // never inserted twice
    }

    [Fact]
    public void ACallersDeadlineEndsTheWaitEarlierWithoutNamingTheModule()
    {
        var fake = new FakeInserter();
        var m = new Messages();
        using var loader = Loader(fake, m, limitMs: 20_000);
        var ok = true;
        long ms;
        using (ModuleLoader.WaitsEndBy(Environment.TickCount64 + 300)) ms = Timed(() => ok = loader.Load(Stuck));
        Assert.False(ok);
        Assert.InRange(ms, 200, 2000);
        Assert.Empty(m.Warnings);   // its 20 s are not over: not named
        Assert.InRange(Timed(() => loader.Load(Ok)), 0, 2000);   // the scope is gone: waits are the loader's again
    }

    [Fact]
    public void ColdplugGoesOnPastAStuckModuleAndDoesNotWaitForIt()
    {
        var sys = Repo.TempDir("coldplug");
        foreach (var (dev, alias) in new[] { ("0000:00:02.0", StuckAlias), ("0000:00:03.0", OkAlias) })
        {
            var d = Path.Combine(sys, "bus", "pci", "devices", dev);
            Directory.CreateDirectory(d);
            File.WriteAllText(Path.Combine(d, "modalias"), alias + "\n");
        }
        var fake = new FakeInserter();
        var m = new Messages();
        using var loader = Loader(fake, m, limitMs: 4000);
        var queue = new DriverQueue(loader, _ => { });
        var okLoadedAt = -1L;
        var sw = Stopwatch.StartNew();
        var watcher = new Thread(() =>
        {
            while (loader.LoadedCount == 0 && sw.ElapsedMilliseconds < 10_000) Thread.Sleep(10);
            okLoadedAt = sw.ElapsedMilliseconds;
        }) { IsBackground = true };
        watcher.Start();
        var n = Coldplug.Run(queue, sys);
        var total = sw.ElapsedMilliseconds;
        watcher.Join();
        Assert.Equal(1, n);
        // the working driver waited for neither the stuck one's limit nor its end: a second worker took it
        // once the first had waited SlowWaitMs (whichever of the two the first worker picked up)
        Assert.InRange(okLoadedAt, 0, ModuleLoader.SlowWaitMs + 1500);
        Assert.InRange(total, 0, 3000);   // and coldplug ended before the stuck module's limit: slow loads are not waited for
        Assert.Contains(loader.InFlight(), f => f.Name == Stuck);
    }

    [Fact]
    public void TheDeviceWaitOnlyQueuesDriversNeverLoadsThem()
    {
        var fake = new FakeInserter();
        var m = new Messages();
        using var loader = Loader(fake, m, limitMs: 30_000);
        var queue = new DriverQueue(loader, _ => { });
        var reg = new DeviceRegistry(null, a => queue.Enqueue(a), _ => { }, Repo.TempDir("nosys"));
        var add = new Uevent("add", "/devices/pci0000:00/0000:00:02.0", new Dictionary<string, string> { ["MODALIAS"] = StuckAlias });
        Assert.InRange(Timed(() => reg.Handle([add])), 0, 500);
        Assert.False(queue.WaitIdle(200));   // the stuck load runs on a worker meanwhile
        queue.Stop();
    }

    [Fact]
    public void FinishDriversBeforeTheSwitchWaitsWithABoundAndNamesWhatIsStillLoading()
    {
        var fake = new FakeInserter();
        var m = new Messages();
        var plan = DialectSelector.Plan(KernelCommandLine.Parse("archisolabel=TEST"));
        using var ctx = new BootContext(plan, new BootLog());
        var loader = ctx.Modules = Loader(fake, m, limitMs: 60_000);
        var queue = ctx.DriverLoads = new DriverQueue(loader, _ => { });
        ctx.StartDrivers(stop => Coldplug.Run(queue, Repo.TempDir("nosys2"), stop));
        Assert.True(queue.Enqueue(StuckAlias));
        Thread.Sleep(200);
        var ms = Timed(ctx.FinishDrivers);
        Assert.InRange(ms, BootContext.FinishDriversMs - 300, BootContext.FinishDriversMs + 1500);
        Assert.Matches($"^module {Stuck} has not finished loading after [0-9]+ s; continuing without it$", Assert.Single(m.Warnings));
        Assert.False(loader.Load(Ok));   // no new loads once the root is ready
    }

    [Fact]
    public void ABlockDeviceThatAppearsLaterIsProbedOnlyOnceTheKernelAnnouncedIt()
    {
        var a = new BlockAnnouncements();
        Assert.True(a.MayProbe("vda", null, 0));          // present at the first scan: announced before anyone listened
        a.Scanned();
        // a hybrid ISO's disk is in sysfs while its partition table is read; no event yet, for it or its partition
        Assert.False(a.MayProbe("vdb", null, 100));
        Assert.False(a.MayProbe("vdb1", "vdb", 100));
        Assert.False(a.MayProbe("vdb", null, 600));
        a.Event("add", "vdb");                            // the disk's event: its partition table has been read
        Assert.True(a.MayProbe("vdb", null, 700));
        Assert.True(a.MayProbe("vdb1", "vdb", 700));      // so its partitions are complete, their events or not
        // an event that never comes (a full socket buffer): taken after WaitMs
        Assert.False(a.MayProbe("sdc", null, 1000));
        Assert.True(a.MayProbe("sdc", null, 1000 + BlockAnnouncements.WaitMs));
        // a partition that goes and comes back (its disk's events are long past) waits for its new "add"
        a.Event("remove", "vdb");
        a.Event("remove", "vdb1");
        Assert.False(a.MayProbe("vdb1", "vdb", 5000));
        a.Event("change", "vdb1");
        Assert.True(a.MayProbe("vdb1", "vdb", 5001));
    }

    [Fact]
    public void ASoftdepCycleDoesNotWaitOnItself()
    {
        var ix = new ModuleIndex("/nonexistent/lib/modules/test");
        ix.ParseDep($"kernel/{Ok}.ko:\nkernel/liveinit_test_other.ko:\n");
        ix.ParseSoftdep($"softdep {Ok} pre: liveinit_test_other\nsoftdep liveinit_test_other pre: {Ok}\n");
        var m = new Messages();
        using var loader = new ModuleLoader(ix, m.Info.Enqueue, m.Warnings.Enqueue, m.Notices.Enqueue, new FakeInserter(),
            TimeSpan.FromSeconds(20));
        var ok = false;
        Assert.InRange(Timed(() => ok = loader.Load(Ok)), 0, 2000);   // not the 20 s limit on its own gate
        Assert.True(ok);
        Assert.Equal(2, loader.LoadedCount);
    }
}
