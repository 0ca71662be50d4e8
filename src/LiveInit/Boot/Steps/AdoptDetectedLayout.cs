using LiveInit.Boot.Layouts;
using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>Layout detection, second half: the layout found on the medium yields its dialect's own plan (the
/// command line plus the dialect forced and the device found, see <see cref="LayoutDetector.Parameters"/>); the
/// medium is let go from the detection mount point and the executor goes on with that plan's steps.</summary>
public sealed class AdoptDetectedLayout(LayoutPlan layout, string detectMount) : BootStep
{
    public override string Describe() =>
        "use the plan of the layout found: "
        + string.Join(", ", layout.Detect.Select(x => $"/{x.Marker} -> {x.Dialect}"));

    public override void Run(BootContext ctx)
    {
        var found = ctx.Layout.Detected ?? throw new BootFailure("layout detection found no known layout");
        var dev = ctx.Medium?.Device.DevPath ?? throw new BootFailure("layout detection found no medium");
        string extra;
        try { extra = LayoutDetector.Parameters(found, ctx.Layout.DetectedFolder, dev); }
        catch (ArgumentException e)
        {
            throw new BootFailure($"layout detection found /{found.Marker} on {dev} but cannot name it: {e.Message}; "
                                  + "name the medium with the dialect's own parameters");
        }
        var where = "/" + (ctx.Layout.DetectedFolder is { } f ? f + found.Marker[1..] : found.Marker);
        ctx.Log.Notice($"layout detected: {where} on {dev}: the {found.Dialect} layout; booting as if given: {extra}");
        var err = Libc.TryUmount(detectMount);
        if (err != 0) ctx.Log.Warn($"cannot unmount {detectMount}: {Errno.Describe(err)}");
        // in front: the command line may end in "--" and the init's own arguments
        var cmdline = KernelCommandLine.Parse($"{extra} {layout.CommandLine}");
        var next = DialectSelector.Plan(cmdline, InitramfsDefaults.Load(), Verify.TrustStore.Load());
        foreach (var d in next.Diagnostics.Where(d => !ctx.Plan.Diagnostics.Contains(d)))
        {
            if (d.Severity == Severity.Error) ctx.Log.Error($"{d.Parameter}: {d.Message}");
            else ctx.Log.Warn($"{d.Parameter}: {d.Message}");
        }
        ctx.Layout.NextPlan = next;
    }
}
