using LiveInit.Cmdline;
using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary>
/// The emergency policy: what a fatal boot error ends in. It fails closed.
/// <list type="bullet">
/// <item>Sources: the initramfs's default (<c>mkinitramfs --emergency</c>, see <see cref="InitramfsDefaults"/>),
/// every <c>rd.emergency=</c> and <c>liveinit.emergency=</c> (shell, reboot, poweroff, halt = poweroff), and
/// dracut's <c>rd.shell</c> (bare, 1, yes, on: a shell is allowed; 0, no, off: no shell).</item>
/// <item>The most restrictive valid action wins (poweroff over reboot over shell), whatever the order: the
/// command line can make the image's policy stricter, never weaker, so <c>rd.shell</c> or
/// <c>rd.emergency=shell</c> cannot bring back a shell that the image or another parameter took away.</item>
/// <item>No shell (<c>rd.shell=0</c>) and no other action: power off after the report, as dracut does (its
/// <c>halt</c>, which newer dracut turned into poweroff).</item>
/// <item>An invalid value is an error in the plan and counts as "no shell": it never weakens a valid value, and
/// on its own it powers off — a typo of <c>poweroff</c> must not hand out a root shell.</item>
/// </list>
/// </summary>
public static class EmergencyPolicy
{
    private static readonly string[] ActionKeys = ["rd.emergency", "liveinit.emergency"];

    public static FailurePlan Resolve(KernelCommandLine c, InitramfsDefaults image, Diagnostics d)
    {
        var best = new FailurePlan(image.Emergency, image.Source);
        var requests = new List<(string Key, string Text, FailureAction Action)>();
        string? noShell = null;
        foreach (var p in c.Parameters)
        {
            var text = p.Value is null ? p.Key : $"{p.Key}={p.Value}";
            if (ActionKeys.Contains(p.Key))
            {
                if (FailureActions.TryParse(p.Value, out var a))
                {
                    requests.Add((p.Key, text, a));
                    if (a > best.Action) best = new FailurePlan(a, text);
                }
                else
                {
                    d.Error(p.Key, $"'{p.Value}' is not one of shell, reboot, poweroff; "
                                   + "no emergency shell will be started (fail closed)");
                    noShell ??= "invalid " + text;
                }
            }
            else if (p.Key == "rd.shell")
            {
                switch (p.Value?.ToLowerInvariant())
                {
                    case null or "1" or "yes" or "on" or "true": requests.Add((p.Key, text, FailureAction.Shell)); break;
                    case "0" or "no" or "off" or "false": noShell ??= text; break;
                    default:
                        d.Error(p.Key, $"'{p.Value}' is not 0 or 1; no emergency shell will be started (fail closed)");
                        noShell ??= "invalid " + text;
                        break;
                }
            }
        }
        var result = best.Action == FailureAction.Shell && noShell is not null
            ? new FailurePlan(FailureAction.Poweroff, noShell)
            : best;
        foreach (var (key, text, action) in requests)
            if (action < result.Action)
                d.Warn(key, $"{text} is overridden by {result.Source}: the most restrictive emergency policy wins"
                            + (result.Source == image.Source ? " (the command line cannot weaken the initramfs's)"
                                                              : ""));
        return result;
    }
}
