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
        $"load drivers for the hardware present (coldplug via modules.alias), then {string.Join(", ", Needed)}";

    public override void Run(BootContext ctx)
    {
        var root = $"/lib/modules/{Libc.KernelRelease()}";
        if (!Directory.Exists(root))
        {
            ctx.Log.Warn($"{root} does not exist: no modules can be loaded; relying on built-in drivers");
            return;
        }
        var index = ModuleIndex.Load(root);
        ctx.Modules = new ModuleLoader(index, ctx.Log.Detail, ctx.Log.Warn);
        var n = Coldplug.Run(ctx.Modules, ctx.Log.Trace);
        foreach (var m in Needed) ctx.Modules.Load(m, quietIfUnknown: m is "erofs" or "dm_mod" or "dm_snapshot");
        ctx.Log.Info($"drivers: {n} loaded for present hardware, {ctx.Modules.LoadedCount} modules in all");
    }
}
