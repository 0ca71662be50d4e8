using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>SystemRescue modules: every <c>*.srm</c> of the base directory, alphabetical, each loop-mounted
/// and stacked above the image with the first one topmost. A module that fails is skipped with an error.</summary>
public sealed class MountSrms(SrmPlan srm, string mediumMount) : BootStep
{
    public const string SrmMountRoot = "/run/archiso/srm";

    public override string Describe() =>
        $"mount every {(srm.Directory.Length == 0 ? "" : srm.Directory + "/")}*{srm.Extension} (alphabetical) under {SrmMountRoot}, the first topmost";

    public override void Run(BootContext ctx)
    {
        var dir = Path.Combine(mediumMount, srm.Directory);
        if (!Directory.Exists(dir)) { ctx.Log.Warn($"loadsrm: {dir} does not exist; no modules loaded"); return; }
        var files = Directory.EnumerateFiles(dir, "*" + srm.Extension).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) { ctx.Log.Info($"loadsrm: no *{srm.Extension} in {dir}"); return; }
        var mounted = new List<string>();
        var targets = MountPoints(files.Select(f => Path.GetFileNameWithoutExtension(f)).ToList());
        for (var i = 0; i < files.Count; i++)
        {
            var (f, target) = (files[i], targets[i]);
            try
            {
                Mounts.MountImage(ctx, f, target, readOnly: true, expectType: "squashfs");
                mounted.Add(target);
                ctx.Log.Info($"SRM {Path.GetFileName(f)} mounted at {target}");
            }
            catch (Exception e) when (e is IOException or BootFailure)
            {
                ctx.Log.Error($"SRM {Path.GetFileName(f)} skipped: {e.Message}");
            }
        }
        ctx.SrmLayers = mounted;
    }

    /// <summary>One mount point under <see cref="SrmMountRoot"/> per module name, all distinct: characters other
    /// than letters, digits, '.', '_' and '-' become '_'; a leading '.' becomes '_' (so "." and ".." cannot
    /// name the folder itself or its parent); a name taken by an earlier module gets "-2", "-3", ...</summary>
    public static List<string> MountPoints(IReadOnlyList<string> names)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>(names.Count);
        foreach (var name in names)
        {
            var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_')
                .ToArray());
            if (safe.Length == 0 || safe[0] == '.') safe = "_" + (safe.Length == 0 ? "" : safe[1..]);
            var unique = safe;
            for (var n = 2; !taken.Add(unique); n++) unique = $"{safe}-{n}";
            list.Add(Path.Combine(SrmMountRoot, unique));
        }
        return list;
    }
}
