using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>A persistent /home from an ext image on the boot medium (LiveOS/home.img, antiX homefs).</summary>
public sealed class MountHome(HomePlan home, string mediumMount) : BootStep
{
    public override string Describe() => $"mount /{home.FilePath} from the medium on /home{(home.Required ? "" : " when it exists")}";

    public override void Run(BootContext ctx)
    {
        var file = Path.Combine(mediumMount, home.FilePath);
        if (!File.Exists(file))
        {
            if (home.Required) ctx.Log.Warn($"home persistence asked for, but {file} does not exist; /home stays in the root's writable layer");
            return;
        }
        var err = Libc.TryMount(null, mediumMount, null, Libc.MS_REMOUNT, null);
        if (err != 0) { ctx.Log.Warn($"cannot use {file}: the medium is read-only ({Errno.Describe(err)})"); return; }
        try
        {
            Mounts.MountImage(ctx, file, Path.Combine(ctx.NewRoot, "home"), readOnly: false);
            ctx.Log.Info($"/home is {file} (persistent)");
        }
        catch (Exception e) when (e is IOException or BootFailure)
        {
            ctx.Log.Warn($"cannot mount {file} on /home: {e.Message}");
        }
    }
}
