using LiveInit.Boot.Remaster;
using LiveInit.Media;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>
/// antiX live remastering, before the image is mounted: a journaled transaction in the image folder (see
/// <see cref="RemasterEngine"/>). An interrupted one is finished first; then a waiting <c>X.new</c> is applied
/// (<c>X</c> → <c>X.old</c>, <c>X.new</c> → <c>X</c>, rootfs alike) or a rollback done (<c>X.bad</c> →
/// <c>X.bak</c>, <c>X</c> → <c>X.bad</c>, <c>X.old</c> → <c>X</c>). Every access goes through the confined opener;
/// the medium is remounted read-write only when something must be written. The result goes to a
/// remaster.conf-style state file for the live system's tools.
/// </summary>
public sealed class ApplyRemaster(RemasterPlan plan, string mediumMount) : BootStep
{
    public override string Describe()
    {
        var x = plan.ImageName;
        var rootfs = plan.SwapRootfs ? " (and rootfs)" : "";
        var first = $"finish an interrupted remaster/rollback journaled in /{plan.Directory}/{RemasterJournal.FileName}; ";
        return first + plan.Action switch
        {
            RemasterAction.ApplyPending => $"if a checked /{plan.Directory}/{x}.new waits: {x} -> {x}.old, {x}.new -> {x}{rootfs}",
            RemasterAction.Rollback => $"roll back /{plan.Directory}: {x} -> {x}.bad, {x}.old -> {x}{rootfs}",
            _ => $"leave a waiting {x}.new alone (noremaster)",
        };
    }

    public override void Run(BootContext ctx)
    {
        RemasterOutcome outcome;
        try
        {
            using var root = MediumRoot.Open(mediumMount);
            var folder = new RemasterFolder(root, plan.Directory);
            if (!folder.IsThere) return;
            var engine = new RemasterEngine(folder, new BootRemasterLog(ctx.Log), () => Writable(ctx));
            outcome = engine.Run(new RemasterRequest(plan.Action, plan.ImageName, plan.SwapRootfs));
            ctx.Layout.Remaster = outcome;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // a medium that fails under us: the journal (if any) stays and the next boot finishes the transaction
            ctx.Log.Error($"live remastering stopped: {e.Message}; booting what is there");
            return;
        }
        if (outcome.BootInstead is not null)
            ctx.ImageFile = Path.Combine(mediumMount, plan.Directory, outcome.BootInstead);
        if (outcome.StateKey is not null) WriteState(ctx, outcome);
    }

    private static bool Writable(BootContext ctx)
    {
        var mp = ctx.Plan.Medium.MountPoint;
        if (ctx.Medium?.Type is "iso9660" or "udf")
        {
            ctx.Log.Warn($"the boot medium is {ctx.Medium.Type} (read-only by nature): live remastering needs a writable USB "
                         + "or hard-disk install");
            return false;
        }
        var err = Libc.TryMount(null, mp, null, Libc.MS_REMOUNT, null);
        if (err == 0) return true;
        ctx.Log.Warn($"the boot medium cannot be made writable ({Errno.Describe(err)}): remaster/rollback skipped");
        return false;
    }

    private void WriteState(BootContext ctx, RemasterOutcome outcome)
    {
        Libc.MkdirAll(Path.GetDirectoryName(plan.StateFile)!);
        var full = Path.Combine(mediumMount, plan.Directory, plan.ImageName);
        File.WriteAllText(plan.StateFile,
            $"# written by liveinit at boot\n{outcome.StateKey}=true\nBOOT_DEV={ctx.Medium?.Device.DevPath}\nBOOT_MP={mediumMount}\n"
            + $"SQFILE_DIR={plan.Directory}\nSQFILE_NAME={plan.ImageName}\nSQFILE_FULL={full}\n"
            + (outcome.Replayed ? "REMASTER_RESUMED=true\n" : ""));
    }
}
