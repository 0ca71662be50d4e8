using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>
/// antiX live remastering, before the image is mounted. Apply: <c>X</c> → <c>X.old</c>, <c>X.new</c> →
/// <c>X</c> (refused while an <c>.old</c> or <c>.bad</c> exists). Rollback: <c>X.bad</c> → <c>X.bak</c>,
/// <c>X</c> → <c>X.bad</c>, <c>X.old</c> → <c>X</c>. Every rename is followed by an fsync of the directory,
/// and a swap interrupted by power loss is completed on the next boot, so the medium always keeps a
/// bootable <c>X</c>. Refused on read-only media. The result goes to a remaster.conf-style state file.
/// </summary>
public sealed class ApplyRemaster(RemasterPlan plan, string mediumMount) : BootStep
{
    public override string Describe() => plan.Action switch
    {
        RemasterAction.ApplyPending => $"if /{plan.Directory}/{plan.ImageName}.new waits: {plan.ImageName} -> {plan.ImageName}.old, {plan.ImageName}.new -> {plan.ImageName}{(plan.SwapRootfs ? " (and rootfs.new)" : "")}",
        RemasterAction.Rollback => $"roll back /{plan.Directory}: {plan.ImageName} -> {plan.ImageName}.bad, {plan.ImageName}.old -> {plan.ImageName}{(plan.SwapRootfs ? " (and rootfs)" : "")}",
        _ => $"leave a waiting {plan.ImageName}.new alone (noremaster)",
    };

    public override void Run(BootContext ctx)
    {
        var dir = Path.Combine(mediumMount, plan.Directory);
        var image = Path.Combine(dir, plan.ImageName);
        Recover(ctx, dir, plan.ImageName);
        string? done = null;
        switch (plan.Action)
        {
            case RemasterAction.Disabled:
                if (File.Exists(image + ".new")) ctx.Log.Notice($"noremaster: {image}.new is waiting and is left alone");
                return;
            case RemasterAction.ApplyPending:
                if (!File.Exists(image + ".new")) return;
                foreach (var blocker in new[] { ".old", ".bad" })
                    if (File.Exists(image + blocker))
                    {
                        ctx.Log.Warn($"a new {plan.ImageName} is waiting, but {image}{blocker} exists from an earlier remaster. "
                                     + $"Delete or rename {plan.ImageName}{blocker} (or boot with rollback) and reboot to apply it; booting the current {plan.ImageName}.");
                        return;
                    }
                if (!Writable(ctx)) return;
                Swap(dir, plan.ImageName, ".old", ".new");
                if (plan.SwapRootfs && File.Exists(Path.Combine(dir, "rootfs.new"))) Swap(dir, "rootfs", ".old", ".new");
                done = "REMASTERED";
                ctx.Log.Notice($"remaster applied: {plan.ImageName}.new is now {plan.ImageName}; the previous one is {plan.ImageName}.old (boot with rollback to return to it)");
                break;
            case RemasterAction.Rollback:
                if (!File.Exists(image + ".old"))
                {
                    ctx.Log.Error($"rollback asked for, but there is no {image}.old to return to; booting the current {plan.ImageName}");
                    return;
                }
                if (!Writable(ctx)) return;
                if (File.Exists(image + ".bad")) Rename(image + ".bad", image + ".bak", dir);
                Swap(dir, plan.ImageName, ".bad", ".old");
                if (plan.SwapRootfs && File.Exists(Path.Combine(dir, "rootfs.old"))) Swap(dir, "rootfs", ".bad", ".old");
                done = "ROLLED_BACK";
                ctx.Log.Notice($"rollback done: {plan.ImageName}.old is {plan.ImageName} again; the failed one is {plan.ImageName}.bad");
                break;
        }
        if (done is not null) WriteState(ctx, done);
    }

    /// <summary>current → current+aside, then incoming → current; each step durable before the next.</summary>
    private static void Swap(string dir, string name, string aside, string incoming)
    {
        var current = Path.Combine(dir, name);
        if (File.Exists(current)) Rename(current, current + aside, dir);
        Rename(current + incoming, current, dir);
    }

    /// <summary>A swap cut short by power loss leaves no X: finish it (X.new waiting) or undo it.</summary>
    private static void Recover(BootContext ctx, string dir, string name)
    {
        var current = Path.Combine(dir, name);
        if (File.Exists(current) || !Directory.Exists(dir)) return;
        foreach (var from in new[] { ".new", ".old" })
            if (File.Exists(current + from))
            {
                if (!Writable(ctx)) return;
                Rename(current + from, current, dir);
                ctx.Log.Warn($"{current} was missing (an interrupted remaster?); restored it from {name}{from}");
                return;
            }
    }

    private static void Rename(string from, string to, string dir)
    {
        Libc.Rename(from, to);
        using var fd = Libc.Open(dir, Libc.O_RDONLY | Libc.O_DIRECTORY);
        Libc.Fsync(fd, dir);
    }

    private static bool Writable(BootContext ctx)
    {
        var mp = ctx.Plan.Medium.MountPoint;
        if (ctx.Medium?.Type is "iso9660" or "udf")
        {
            ctx.Log.Warn($"the boot medium is {ctx.Medium.Type} (read-only by nature): live remastering needs a writable USB or hard-disk install");
            return false;
        }
        var err = Libc.TryMount(null, mp, null, Libc.MS_REMOUNT, null);
        if (err == 0) return true;
        ctx.Log.Warn($"the boot medium cannot be made writable ({Errno.Describe(err)}): remaster/rollback skipped");
        return false;
    }

    private void WriteState(BootContext ctx, string what)
    {
        Libc.MkdirAll(Path.GetDirectoryName(plan.StateFile)!);
        var full = Path.Combine(mediumMount, plan.Directory, plan.ImageName);
        File.WriteAllText(plan.StateFile,
            $"# written by liveinit at boot\n{what}=true\nBOOT_DEV={ctx.Medium?.Device.DevPath}\nBOOT_MP={mediumMount}\n"
            + $"SQFILE_DIR={plan.Directory}\nSQFILE_NAME={plan.ImageName}\nSQFILE_FULL={full}\n");
    }
}
