using LiveInit.Media;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>A persistent /home from an ext image on the boot medium (LiveOS/home.img, antiX homefs), opened through
/// the confined opener: a link off the medium or anything but a regular file is refused with one warning, and the
/// medium is made writable only when the file is usable.</summary>
public sealed class MountHome(HomePlan home, string mediumMount) : BootStep
{
    private const string Stays = "/home stays in the root's writable layer";

    public override string Describe() =>
        $"mount /{home.FilePath} from the medium on /home{(home.Required ? "" : " when it exists")}";

    public override void Run(BootContext ctx)
    {
        MediumRoot medium;
        try { medium = MediumRoot.Open(mediumMount); }
        catch (NativeException e)
        {
            ctx.Log.Warn($"home persistence: the medium is not there ({e.Message}); {Stays}");
            return;
        }
        using var _ = medium;
        var entry = medium.Lookup(home.FilePath);
        switch (entry.Kind)
        {
            case EntryKind.Missing:
                if (home.Required)
                    ctx.Log.Warn($"home persistence asked for, but {entry.Where} does not exist; {Stays}");
                return;
            case EntryKind.Refused:
                ctx.Log.Warn($"home persistence: {entry.Where}: refused: {entry.Why}; {Stays}");
                return;
            case EntryKind.Directory:
                ctx.Log.Warn($"home persistence: {entry.Where} is a folder, not an image file; {Stays}");
                return;
        }
        var err = Libc.TryMount(null, mediumMount, null, Libc.MS_REMOUNT, null);
        if (err != 0)
        {
            ctx.Log.Warn($"cannot use {entry.Where}: the medium is read-only ({Errno.Describe(err)})");
            return;
        }
        try
        {
            using var file = medium.OpenFile(home.FilePath, write: true);
            Mounts.MountImage(ctx, file, Path.Combine(ctx.NewRoot, "home"), readOnly: false);
            ctx.Log.Info($"/home is {file.Where} (persistent)");
        }
        catch (Exception e) when (e is IOException or BootFailure)
        {
            ctx.Log.Warn($"cannot mount {entry.Where} on /home: {e.Message}");
        }
    }
}
