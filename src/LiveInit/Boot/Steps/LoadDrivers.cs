using LiveInit.Modules;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>Drivers for the hardware present (coldplug through modules.alias), then what the plan needs.</summary>
public sealed class LoadDrivers(BootPlan plan) : BootStep
{
    public IReadOnlyList<string> Needed { get; } = NeededFor(plan);

    private static List<string> NeededFor(BootPlan plan)
    {
        var list = new List<string> { "loop", "squashfs", "overlay" };
        if (plan.Image.Candidates.Any(c => c.EndsWith(".erofs", StringComparison.Ordinal))) list.Add("erofs");
        return list;
    }

    public override string Describe() =>
        $"load {string.Join(", ", Needed)}, and drivers for the hardware present (coldplug via modules.alias, in the background)";

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
        var drivers = ctx.DriverLoads = new DriverQueue(loader, ctx.Log.Trace);
        ctx.StartDrivers(stop =>
        {
            var n = Coldplug.Run(drivers, stop: stop);
            ctx.Log.Info(stop.IsCancellationRequested
                ? $"drivers: {n} loaded for the present hardware before the root was ready; the live system loads the rest"
                : $"drivers: {n} loaded for the present hardware");
        });
        foreach (var m in Needed) loader.Load(m, quietIfUnknown: m is "erofs");
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
