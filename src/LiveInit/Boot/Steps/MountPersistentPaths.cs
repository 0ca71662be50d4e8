using LiveInit.Boot.Writable;
using LiveInit.Media;
using LiveInit.Native;

namespace LiveInit.Boot.Steps;

/// <summary>
/// Mounts the paths of live-boot's <c>persistence.conf</c> (other than '/') in the assembled root: <c>bind</c> binds
/// the folder on the volume, <c>union</c> mounts overlayfs with the folder's <c>rw/</c> over the image's own content
/// of that path, <c>link</c> links each entry of the folder into the path (the top level; live-boot links
/// recursively). With persistence-read-only the volume's folders are lower layers below a tmpfs. The path is made in
/// the new root through the confined opener; a failure skips that path with one warning.
/// </summary>
public sealed class MountPersistentPaths(string newRoot) : BootStep
{
    public const string RamRoot = "/run/live/overlay-paths";

    public override string Describe() =>
        $"mount the other paths of persistence.conf in {newRoot} (bind, union over the image's own folder, link)";

    public override void Run(BootContext ctx)
    {
        var i = 0;
        foreach (var p in ctx.PersistentPaths)
        {
            try { Mount(ctx, p, i++); }
            catch (Exception e) when (e is NativeException or IOException)
            {
                ctx.Log.Warn($"persistence (live-boot): {p.Destination} from {p.Device}: {e.Message}; it stays in "
                             + "the root's writable layer");
            }
        }
    }

    private void Mount(BootContext ctx, PersistentPath p, int index)
    {
        string target;
        using (var root = MediumRoot.Open(newRoot))
        using (var dir = root.EnsureDirectory(p.Destination.TrimStart('/')))
            target = dir.Path;
        if (p.Mode == PersistenceMode.Link && p.Lower.Count == 0) { Link(ctx, p, target); return; }
        if (p.Mode == PersistenceMode.Bind && p.Lower.Count == 0)
        {
            Libc.Mount(p.Source, target, null, Libc.MS_BIND, null);
            ctx.Log.Info($"{p.Destination} is {p.Source} on {p.Device} (persistent, bind)");
            return;
        }
        var lower = new List<string>(p.Lower);
        if (p.Mode != PersistenceMode.Bind) lower.Add(ImageFolder(ctx, p.Destination) ?? target);
        string upper, work;
        if (p.Lower.Count > 0)
        {
            var ram = $"{RamRoot}/{index}";
            Mounts.MountTmpfs(ram, "size=50%,mode=0755");
            Libc.MkdirAll($"{ram}/rw");
            Libc.MkdirAll($"{ram}/work");
            (upper, work) = ($"{ram}/rw", $"{ram}/work");
        }
        else (upper, work) = (p.Upper!, p.Work!);
        Libc.Mount("overlay", target, "overlay", 0, OverlayOptions.Build(lower, upper, work));
        ctx.Log.Info($"{p.Destination} is an overlay of {string.Join(" over ", lower)} with changes in {upper}"
                     + (p.Lower.Count > 0 ? " (persistence-read-only: RAM)" : $" on {p.Device} (persistent, union)"));
    }

    /// <summary>The image's own folder for the path (union's lower layer), looked up beneath the image.</summary>
    private static string? ImageFolder(BootContext ctx, string destination)
    {
        if (ctx.Image?.LowerDir is not { } image) return null;
        using var root = MediumRoot.Open(image);
        var e = root.Lookup(destination.TrimStart('/'));
        if (e.Kind != EntryKind.Directory) return null;
        using var d = root.OpenDirectory(destination.TrimStart('/'));
        return d.Path;
    }

    private static void Link(BootContext ctx, PersistentPath p, string target)
    {
        using var source = MediumRoot.Open(p.Source!);
        using var dest = MediumRoot.Open(target);
        var n = 0;
        foreach (var name in source.List(""))
        {
            if (LiveInit.Text.Chars.Any(name, char.IsControl) || dest.Lookup(name).Kind != EntryKind.Missing) continue;
            Libc.Symlink($"{p.Source}/{name}", $"{target}/{name}");
            n++;
        }
        ctx.Log.Info($"{p.Destination}: {n} entries linked to {p.Source} on {p.Device} (persistent, link)");
    }
}
