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
        var index = ModuleIndex.Load(root);
        var loader = ctx.Modules = new ModuleLoader(index, ctx.Log.Detail, ctx.Log.Warn, ctx.Log.Notice);
        ctx.StartDrivers(stop =>
        {
            var n = Coldplug.Run(loader, ctx.Log.Trace, stop: stop);
            ctx.Log.Info(stop.IsCancellationRequested
                ? $"drivers: {n} loaded for the present hardware before the root was ready; the live system loads the rest"
                : $"drivers: {n} loaded for the present hardware");
        });
        foreach (var m in Needed) loader.Load(m, quietIfUnknown: m is "erofs");
    }
}
