using LiveInit.Cmdline;
using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary>
/// Chooses the dialect and builds the plan. Rule, in order:
/// 1. <c>liveinit.dialect=NAME</c> forces a dialect.
/// 2. The first dialect (order: dracut, archiso, antix, sysresccd5) that has a parameter naming the medium
///    (root=live:, archisolabel/archisodevice/archisosearchuuid, bdev/buuid/blabel/bdir, backstore/subdir).
/// 3. Else the first dialect with any parameter of its own.
/// Parameters of the dialects not chosen are reported as warnings. No dialect at all is an error.
/// The emergency policy combines the command line with the initramfs's own default (<see cref="EmergencyPolicy"/>).
/// </summary>
public static class DialectSelector
{
    public static IReadOnlyList<IDialect> All { get; } =
        [new DracutLiveDialect(), new ArchisoDialect(), new AntixDialect(), new SysrescueCd5Dialect()];

    public static BootPlan Plan(KernelCommandLine c, InitramfsDefaults? image = null)
    {
        var plan = DriverParameters.Apply(PlanCommandLine(c), c);
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
        if (chosen is null)
        {
            d.Error("cmdline", "no live-boot parameters found: give archisolabel=, root=live:, blabel=/bdir= or backstore=");
            var ram = SizeSpec.OfMiB(256);
            return new BootPlan("none", new MediumPlan(null, null, ScanScope.All, "/run/liveinit/medium", 0, false),
                new ImagePlan([], ImageCopy.No, null, [], "/run/liveinit/image"), new SrmPlan(false, "", ".srm"),
                new RamUpper(RamPlan.Of(ram)), new RemasterPlan(RemasterAction.None, "", "", false, ""), null,
                CommonParameters.Failure(c, d), CommonParameters.Init(c, d), CommonParameters.Log(c, d), d.Items);
        }
        foreach (var other in All)
        {
            if (ReferenceEquals(other, chosen)) continue;
            foreach (var key in other.Parameters)
                if (c.Has(key) && !chosen.Parameters.Contains(key) && !(key == "root" && !DracutLiveDialect.HasLiveRoot(c)))
                    d.Warn(key, $"belongs to the {other.Name} dialect; ignored because this boot is {chosen.Name}");
        }
        return chosen.Build(c, d);
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
            if (dialect.MediumParameters.Any(k => k == "root" ? DracutLiveDialect.HasLiveRoot(c) : c.Has(k)))
                return dialect;
        foreach (var dialect in All)
            if (dialect.Parameters.Any(k => k == "root" ? DracutLiveDialect.HasLiveRoot(c) : c.Has(k)))
                return dialect;
        return null;
    }
}
