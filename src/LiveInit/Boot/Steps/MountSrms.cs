using LiveInit.Media;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>SystemRescue modules: every <c>*.srm</c> of the base directory, alphabetical, each opened through the
/// confined opener (a link off the medium, a device node or a FIFO is refused), loop-mounted by its descriptor and
/// stacked above the image with the first one topmost. A module that fails is skipped with an error.</summary>
public sealed class MountSrms(SrmPlan srm, string mediumMount, VerifyPlan? verify = null) : BootStep
{
    public override string Describe() =>
        $"mount every {(srm.Directory.Length == 0 ? "" : srm.Directory + "/")}*{srm.Extension} (alphabetical) under "
        + $"{srm.MountRoot}, the {(srm.LastOnTop ? "last" : "first")} topmost"
        + (verify is null ? "" : $"; each one's {VerifyPlan.Suffix} must verify with a trusted key");

    public override void Run(BootContext ctx)
    {
        using var medium = MediumRoot.Open(ctx.Layout.SrmCopyRoot ?? mediumMount);   // copytoram copied them
        var folder = medium.Lookup(srm.Directory);
        if (!folder.IsDirectory)
        {
            ctx.Log.Warn(folder.Kind == EntryKind.Refused
                ? $"loadsrm: {folder.Where}: refused: {folder.Why}; no modules loaded"
                : $"loadsrm: {folder.Where} does not exist; no modules loaded");
            return;
        }
        var names = medium.List(srm.Directory).Where(n => n.EndsWith(srm.Extension, StringComparison.Ordinal)
            && !ctx.Plan.Image.Candidates.Contains(srm.Directory.Length == 0 ? n : $"{srm.Directory}/{n}")).ToList();
        if (names.Count == 0)
        {
            ctx.Log.Info($"{(srm.LastOnTop ? "modules" : "loadsrm")}: no {(srm.LastOnTop ? "other " : "")}"
                         + $"*{srm.Extension} in {folder.Where}");
            return;
        }
        var mounted = new List<string>();
        var targets = MountPoints(names.Select(n => n[..^srm.Extension.Length]).ToList(), srm.MountRoot);
        for (var i = 0; i < names.Count; i++)
        {
            var (name, target) = (names[i], targets[i]);
            var rel = srm.Directory.Length == 0 ? name : $"{srm.Directory}/{name}";
            try
            {
                using var file = medium.TryOpenFile(rel, write: false, out var refused);
                if (file is null)
                {
                    if (refused is not null) ctx.Log.Error($"SRM {PathText.Printable(name)} skipped: refused: {refused}");
                    continue;
                }
                if (verify is not null && SignatureGate.Check(ctx, verify, medium, rel, file) is { } refusal)
                {
                    ctx.Log.Error($"SRM {PathText.Printable(name)} refused: {refusal}");
                    continue;
                }
                Mounts.MountImage(ctx, file, target, readOnly: true, expectType: "squashfs");
                mounted.Add(target);
                ctx.Log.Info($"SRM {PathText.Printable(name)} mounted at {target}");
            }
            catch (Exception e) when (e is IOException or BootFailure)
            {
                ctx.Log.Error($"SRM {PathText.Printable(name)} skipped: {e.Message}");
            }
        }
        if (srm.LastOnTop) mounted.Reverse();
        ctx.SrmLayers = mounted;
    }

    /// <summary>One mount point under <paramref name="root"/> per module name, all distinct: characters other
    /// than letters, digits, '.', '_' and '-' become '_'; a leading '.' becomes '_' (so "." and ".." cannot
    /// name the folder itself or its parent); a name taken by an earlier module gets "-2", "-3", ...</summary>
    public static List<string> MountPoints(IReadOnlyList<string> names, string root = SrmPlan.DefaultMountRoot)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>(names.Count);
        foreach (var name in names)
        {
            var safe = LiveInit.Text.Chars.Map(name, c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
            if (safe.Length == 0 || safe[0] == '.') safe = "_" + (safe.Length == 0 ? "" : safe[1..]);
            var unique = safe;
            for (var n = 2; !taken.Add(unique); n++) unique = $"{safe}-{n}";
            list.Add(Path.Combine(root, unique));
        }
        return list;
    }
}
