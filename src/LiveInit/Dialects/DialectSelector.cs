using LiveInit.Cmdline;
using LiveInit.Plan;
using LiveInit.Verify;

namespace LiveInit.Dialects;

/// <summary>
/// Chooses the dialect and builds the plan. Rule, in order:
/// 1. <c>liveinit.dialect=NAME</c> forces a dialect.
/// 2. The first dialect (order: dracut, archiso, antix, sysresccd5) that has a parameter naming the medium
///    (root=live:, archisolabel/archisodevice/archisosearchuuid, bdev/buuid/blabel/bdir, backstore/subdir).
/// 3. Else the first dialect with any parameter of its own.
/// Parameters of the dialects not chosen are reported as warnings. No dialect parameter at all: layout detection
/// (<see cref="LayoutPlan.Known"/>), whose result yields the dialect's plan once the medium is found.
/// The emergency policy combines the command line with the initramfs's own default (<see cref="EmergencyPolicy"/>).
/// </summary>
public static class DialectSelector
{
    public static IReadOnlyList<IDialect> All { get; } =
        [new DracutLiveDialect(), new ArchisoDialect(), new AntixDialect(), new SysrescueCd5Dialect(),
            new LiveBootDialect()];

    /// <summary>Whether <paramref name="key"/> is present as a claim: <c>root=</c> only as <c>root=live:</c>,
    /// <c>boot=</c> only as <c>boot=live</c>.</summary>
    private static bool Claims(KernelCommandLine c, string key) => key switch
    {
        "root" => DracutLiveDialect.Claims(c),
        "boot" => LiveBootDialect.HasBootLive(c),
        _ => c.Has(key),
    };

    public static BootPlan Plan(KernelCommandLine c, InitramfsDefaults? image = null, TrustStore? keys = null)
    {
        var plan = WithImageDefaults(c, PlanCommandLine(c), image);
        if (keys is null) return plan;
        var d = new Diagnostics();
        var verify = SignaturePolicy.Resolve(c, keys, d);
        return plan with { Verify = verify, Diagnostics = [.. plan.Diagnostics, .. d.Items] };
    }

    private static BootPlan WithImageDefaults(KernelCommandLine c, BootPlan plan, InitramfsDefaults? image)
    {
        plan = DriverParameters.Apply(plan, c);
        if (image is null || image == InitramfsDefaults.None) return plan;
        // the dialect already reported the command line's own problems; only what the image adds is new
        var d = new Diagnostics();
        foreach (var problem in image.Problems) d.Error("initramfs.conf", problem);
        var failure = EmergencyPolicy.Resolve(c, image, d);
        var added = d.Items.Where(x => !plan.Diagnostics.Contains(x));
        return plan with { Failure = failure, Diagnostics = [.. plan.Diagnostics, .. added] };
    }

    private static BootPlan PlanCommandLine(KernelCommandLine c)
    {
        var d = new Diagnostics();
        var chosen = Choose(c, d);
        if (chosen is null) return DetectionPlan(c, d);
        foreach (var other in All)
        {
            if (ReferenceEquals(other, chosen)) continue;
            foreach (var key in other.Parameters)
                if (Claims(c, key) && !chosen.Parameters.Contains(key) && !NetParameters.Keys.Contains(key))
                    d.Warn(key, $"belongs to the {other.Name} dialect; ignored because this boot is {chosen.Name}");
        }
        var built = NetParameters.Complete(chosen.Build(c, d), c, d);
        return built with { Diagnostics = d.Items };
    }

    /// <summary>No dialect parameter: the known layouts are looked for on every device (removable ones first); the
    /// first found yields its dialect's plan at boot (<see cref="LayoutPlan.Known"/>).</summary>
    private static BootPlan DetectionPlan(KernelCommandLine c, Diagnostics d)
    {
        var ram = SizeSpec.OfPercent(50);
        var medium = new MediumPlan(null, null, ScanScope.All, LayoutPlan.DetectMountPoint,
            CommonParameters.WaitSeconds(c, d), false);
        return new BootPlan("detect", medium,
            new ImagePlan([], ImageCopy.No, null, [], "/run/liveinit/image"), new SrmPlan(false, "", ".srm"),
            new RamUpper(RamPlan.Of(ram)), new RemasterPlan(RemasterAction.None, "", "", false, ""), null,
            CommonParameters.Failure(c, d), CommonParameters.Init(c, d), CommonParameters.Log(c, d), d.Items,
            new LayoutPlan(LayoutPlan.Known, CommandLine: c.Raw));
    }

    private static IDialect? Choose(KernelCommandLine c, Diagnostics d)
    {
        var forced = c.Find("liveinit.dialect");
        if (forced is not null)
        {
            var match = All.FirstOrDefault(x => x.Name == forced.Value);
            if (match is not null) return match;
            d.Error("liveinit.dialect", $"'{forced.Value}' is not one of {string.Join(", ", All.Select(x => x.Name))}; choosing by parameters");
        }
        foreach (var dialect in All)
            if (dialect.MediumParameters.Any(k => Claims(c, k)))
                return dialect;
        foreach (var dialect in All)
            if (dialect.Parameters.Any(k => Claims(c, k)))
                return dialect;
        return null;
    }
}
