using LiveInit.Modules;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>Drivers for the medium first, then what the plan needs, all in the background: coldplug through
/// modules.alias queues the storage and bus drivers of the hardware present (every driver with
/// <c>liveinit.coldplug=all</c>; the others are left to the live system's udev), then loop, squashfs, overlay
/// (and erofs) are queued behind them, so they load while the medium is awaited. The first mount of an image
/// waits for them (<see cref="BootContext.AwaitPlanModules"/>).</summary>
public sealed class LoadDrivers(BootPlan plan) : BootStep
{
    public IReadOnlyList<string> Needed { get; } = NeededFor(plan);
    private DriverPlan Drivers => plan.Drivers ?? DriverPlan.Default;

    private static List<string> NeededFor(BootPlan plan)
    {
        var list = new List<string> { "loop", "squashfs", "overlay" };
        if (plan.Image.Candidates.Any(c => c.EndsWith(".erofs", StringComparison.Ordinal))) list.Add("erofs");
        return list;
    }

    public override string Describe() => (Drivers.Coldplug == ColdplugScope.All
            ? "load drivers for all the hardware present (liveinit.coldplug=all)"
            : "load storage and bus drivers" + (plan.Net is null ? "" : ", network cards,")
              + " for the hardware present (the rest is left to the live system)")
        + $", then {string.Join(", ", Needed)}, in the background (coldplug via modules.alias)";

    public override void Run(BootContext ctx)
    {
        var root = $"/lib/modules/{Libc.KernelRelease()}";
        if (!Directory.Exists(root))
        {
            ctx.Log.Warn($"{root} does not exist: no modules can be loaded; relying on built-in drivers");
            return;
        }
        var inserter = Inserter(ctx);   // the helper starts while the index is read
        var index = ModuleIndex.Load(root);
        var loader = ctx.Modules = new ModuleLoader(index, ctx.Log.Detail, ctx.Log.Warn, ctx.Log.Notice, inserter);
        var all = Drivers.Coldplug == ColdplugScope.All;
        // a network boot's medium is behind a network card: its driver is one of the boot's
        var drivers = ctx.DriverLoads = new DriverQueue(loader, ctx.Log.Trace, bootOnly: !all, network: plan.Net is not null);
        ctx.PlanModules = Needed;
        ctx.StartDrivers(stop =>
        {
            var n = Coldplug.Run(drivers, stop: stop, afterFirstScan: () => drivers.EnqueueModules(Needed));
            var what = all ? "the present hardware" : "the present storage and buses";
            ctx.Log.Info(stop.IsCancellationRequested
                ? $"drivers: {n} loaded for {what} before the root was ready; the live system loads the rest"
                : $"drivers: {n} loaded for {what}");
        });
    }

    /// <summary>finit_module runs in a helper process (this agent, <c>module-helper</c>), so that a driver that
    /// never finishes cannot hold PID 1; in this process only when the helper cannot start.</summary>
    private static IModuleInserter? Inserter(BootContext ctx)
    {
        var local = new ModuleFile(ctx.Log.Notice, ctx.Log.Warn);
        var agent = Environment.ProcessPath;
        if (agent is null)
        {
            ctx.Log.Warn("the agent's own path is unknown (/proc/self/exe); modules load in PID 1");
            return null;
        }
        return HelperInserter.TryStart(agent, local, ctx.Log.Notice, ctx.Log.Warn);
    }
}
