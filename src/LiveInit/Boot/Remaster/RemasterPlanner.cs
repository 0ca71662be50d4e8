using LiveInit.Plan;

namespace LiveInit.Boot.Remaster;

/// <summary>What this boot is asked to do: apply a waiting <c>X.new</c>, roll back, or leave things alone
/// (noremaster); <see cref="PersistRoot"/>: rootfs takes part.</summary>
public sealed record RemasterRequest(RemasterAction Action, string Image, bool PersistRoot);

/// <summary>The planner's answer: a transaction to run, or none (<see cref="Refused"/>: one was wanted but is not
/// safe; the reason is logged).</summary>
public readonly record struct Planned(RemasterJournal? Journal, bool Refused);

/// <summary>
/// Turns the request and the files in the folder into the exact list of renames, before anything is touched.
/// Apply (antiX: no remaster while <c>X.bad</c> exists): <c>X.new</c> must pass <see cref="IncomingImage"/>, and
/// <c>rootfs.new</c> too when root persistence is on (the two belong together: both or neither). Rollback:
/// <c>X.old</c> (and <c>rootfs.old</c>) must pass the same checks; a previous <c>X.bad</c> becomes <c>X.bak</c>.
/// Nothing existing is ever replaced: every target that would be taken when its turn comes refuses the whole
/// transaction with the names to delete or rename, and the current image boots.
/// </summary>
public static class RemasterPlanner
{
    private const string R = RemasterNames.Rootfs;

    public static Planned Plan(RemasterFolder f, RemasterRequest req, IRemasterLog log) => req.Action switch
    {
        RemasterAction.ApplyPending => Apply(f, req, log),
        RemasterAction.Rollback => Rollback(f, req, log),
        RemasterAction.Disabled => LeaveAlone(f, req, log),
        _ => default,
    };

    private static Planned LeaveAlone(RemasterFolder f, RemasterRequest req, IRemasterLog log)
    {
        if (f.Exists(req.Image + ".new")) log.Notice($"noremaster: {f.Where(req.Image + ".new")} is waiting and is left alone");
        return default;
    }

    private static Planned Apply(RemasterFolder f, RemasterRequest req, IRemasterLog log)
    {
        var x = req.Image;
        if (!f.Exists(x + ".new") || !f.Exists(x)) return default;
        var current = $"booting the current {x}";
        if (f.Exists(x + ".bad"))
        {
            log.Warn($"a new {x} is waiting, but {f.Where(x + ".bad")} exists: a remaster was rolled back, and none is applied "
                     + $"until it is dealt with. Delete or rename {x}.bad (keep it if you want to study it) and reboot to apply "
                     + $"{x}.new; {current}.");
            return new(null, true);
        }
        var steps = new List<RenameStep> { new(x, x + ".old") };
        if (f.Exists(x + ".md5")) steps.Add(new(x + ".md5", x + ".old.md5"));
        steps.Add(new(x + ".new", x));
        if (f.Exists(x + ".new.md5")) steps.Add(new(x + ".new.md5", x + ".md5"));
        var withRootfs = req.PersistRoot && f.Exists(R + ".new");
        if (withRootfs)
        {
            if (f.Exists(R)) steps.Add(new(R, R + ".old"));
            steps.Add(new(R + ".new", R));
        }
        var blockers = Blockers(f, steps);
        if (blockers.Count > 0)
        {
            log.Warn($"a new {x} is waiting, but {Exist(f, blockers)} from an earlier remaster (LiveInit never replaces a file). "
                     + $"Delete or rename {string.Join(" and ", blockers)} (or boot with rollback) and reboot to apply it; "
                     + $"{current}.");
            return new(null, true);
        }
        if (IncomingImage.Problem(f, x + ".new", ImageRole.Root) is { } problem)
        {
            log.Warn($"{f.Where(x + ".new")} is not applied: {problem}. It is left in place: copy it again (or delete it) "
                     + $"and reboot; {current}.");
            return new(null, true);
        }
        if (withRootfs && IncomingImage.Problem(f, R + ".new", ImageRole.Persistence) is { } rootProblem)
        {
            log.Warn($"{f.Where(R + ".new")} is not usable: {rootProblem}. It belongs with {x}.new, so neither is applied; "
                     + "both are left in place. Make rootfs.new again (or delete it to keep the current rootfs) and reboot; "
                     + $"{current}.");
            return new(null, true);
        }
        if (req.PersistRoot && !withRootfs && f.Exists(R))
            log.Notice($"root persistence: there is no {R}.new beside {x}.new, so {R} (the changes saved so far) is kept "
                       + $"over the new {x}");
        return Checked(new RemasterJournal(RemasterOperation.Apply, x, steps), log);
    }

    private static Planned Rollback(RemasterFolder f, RemasterRequest req, IRemasterLog log)
    {
        var x = req.Image;
        var current = $"booting the current {x}";
        if (!f.Exists(x + ".old"))
        {
            log.Error($"rollback asked for, but there is no {f.Where(x + ".old")} to return to; {current}");
            return new(null, true);
        }
        if (!f.Exists(x)) return default;
        var steps = new List<RenameStep>();
        if (f.Exists(x + ".bad")) steps.Add(new(x + ".bad", x + ".bak"));
        if (f.Exists(x + ".bad.md5")) steps.Add(new(x + ".bad.md5", x + ".bak.md5"));
        steps.Add(new(x, x + ".bad"));
        if (f.Exists(x + ".md5")) steps.Add(new(x + ".md5", x + ".bad.md5"));
        steps.Add(new(x + ".old", x));
        if (f.Exists(x + ".old.md5")) steps.Add(new(x + ".old.md5", x + ".md5"));
        var withRootfs = req.PersistRoot && f.Exists(R + ".old");
        if (withRootfs)
        {
            if (f.Exists(R + ".bad")) steps.Add(new(R + ".bad", R + ".bak"));
            if (f.Exists(R)) steps.Add(new(R, R + ".bad"));
            steps.Add(new(R + ".old", R));
        }
        var blockers = Blockers(f, steps);
        if (blockers.Count > 0)
        {
            log.Warn($"rollback refused: {Exist(f, blockers)} (LiveInit never replaces a file). Delete or rename "
                     + $"{string.Join(" and ", blockers)} and reboot with rollback; {current}.");
            return new(null, true);
        }
        if (IncomingImage.Problem(f, x + ".old", ImageRole.Root) is { } problem)
        {
            log.Warn($"rollback refused: {f.Where(x + ".old")} cannot be used: {problem}; {current}.");
            return new(null, true);
        }
        if (withRootfs && IncomingImage.Problem(f, R + ".old", ImageRole.Persistence) is { } rootProblem)
        {
            log.Warn($"rollback refused: {f.Where(R + ".old")} cannot be used: {rootProblem}. It belongs with {x}.old, so "
                     + $"neither is rolled back; {current}.");
            return new(null, true);
        }
        if (req.PersistRoot && !withRootfs && f.Exists(R))
            log.Notice($"root persistence: there is no {R}.old, so {R} (the changes saved so far) is kept over the old {x}");
        if (f.Exists(x + ".new"))
            log.Notice($"{f.Where(x + ".new")} is waiting and is left alone: no remaster is applied while {x}.bad exists");
        return Checked(new RemasterJournal(RemasterOperation.Rollback, x, steps), log);
    }

    /// <summary>The targets that would be taken when their turn comes (RENAME_NOREPLACE would refuse them).</summary>
    public static List<string> Blockers(RemasterFolder f, IReadOnlyList<RenameStep> steps)
    {
        var present = new HashSet<string>(RemasterNames.Mentioned(steps).Where(f.Exists), StringComparer.Ordinal);
        var blockers = new List<string>();
        foreach (var s in steps)
        {
            if (present.Contains(s.To)) blockers.Add(s.To);
            present.Remove(s.From);
            present.Add(s.To);
        }
        return blockers;
    }

    private static string Exist(RemasterFolder f, List<string> names) =>
        string.Join(" and ", names.Select(f.Where)) + (names.Count == 1 ? " exists" : " exist");

    /// <summary>The planner only builds what the journal reader accepts; anything else is a refusal.</summary>
    private static Planned Checked(RemasterJournal j, IRemasterLog log)
    {
        if (RemasterNames.Validate(j) is not { } why) return new(j, false);
        log.Error($"the {RemasterJournal.OperationName(j.Operation)} of {j.Image} cannot be journaled ({why}); nothing is renamed");
        return new(null, true);
    }
}
