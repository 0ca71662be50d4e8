using LiveInit.Cmdline;
using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary><c>liveinit.coldplug=boot|all</c> (any dialect): which drivers the initramfs loads for the hardware
/// present (<see cref="DriverPlan"/>). A bad value is an error naming it; the default (boot) is used.</summary>
public static class DriverParameters
{
    public const string Parameter = "liveinit.coldplug";

    public static BootPlan Apply(BootPlan plan, KernelCommandLine c)
    {
        var d = new Diagnostics();
        var drivers = Parse(c, d);
        return plan with { Drivers = drivers, Diagnostics = [.. plan.Diagnostics, .. d.Items] };
    }

    public static DriverPlan Parse(KernelCommandLine c, Diagnostics d)
    {
        var p = c.Find(Parameter);
        if (p is null) return DriverPlan.Default;
        switch (p.Value)
        {
            case "all": return new DriverPlan(ColdplugScope.All);
            case "boot": return DriverPlan.Default;
            default:
                d.Error(Parameter, $"'{p.Value}' is not boot or all; loading the storage and bus drivers only (boot)");
                return DriverPlan.Default;
        }
    }
}
