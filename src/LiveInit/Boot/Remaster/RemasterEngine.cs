namespace LiveInit.Boot.Remaster;

public enum RemasterResult { Nothing, Applied, RolledBack, Recovered, Refused, Interrupted, Stuck }

public static class RemasterResults
{
    /// <summary>The name as printed (the agent has no reflection data to format an enum by name).</summary>
    public static string Name(RemasterResult r) => r switch
    {
        RemasterResult.Nothing => "Nothing", RemasterResult.Applied => "Applied", RemasterResult.RolledBack => "RolledBack",
        RemasterResult.Recovered => "Recovered", RemasterResult.Refused => "Refused",
        RemasterResult.Interrupted => "Interrupted", _ => "Stuck",
    };
}

/// <summary>What the boot does next: the result, and <see cref="BootInstead"/> when the image is missing and
/// could not be restored on a medium that cannot be written (that file is booted as it is).</summary>
public sealed record RemasterOutcome(RemasterResult Result, bool Replayed = false, string? BootInstead = null)
{
    /// <summary>The key of the remaster.conf-style state file: set on the boot that swapped or rolled back.</summary>
    public string? StateKey => Result switch
    {
        RemasterResult.Applied => "REMASTERED",
        RemasterResult.RolledBack => "ROLLED_BACK",
        _ => null,
    };
}

/// <summary>
/// The remaster step's logic, in the order a boot needs it: (1) a journal found in the folder is finished
/// before anything else, exactly as recorded (an interrupted apply completes as an apply, an interrupted
/// rollback as a rollback), and nothing else is started on that boot; (2) without one, a missing image is
/// restored by <see cref="NoJournalRecovery"/>; (3) the request is planned (<see cref="RemasterPlanner"/>) and
/// run as a journaled <see cref="RemasterTransaction"/>. <paramref name="writable"/> is asked once, before the
/// first write (at boot it remounts the medium read-write). Used by the boot step and by
/// <c>liveinit remaster-step</c>; tests run it against a temporary folder with <paramref name="stopAfter"/>.
/// </summary>
public sealed class RemasterEngine(RemasterFolder folder, IRemasterLog log, Func<bool> writable, Func<int, bool>? stopAfter = null)
{
    private bool? _writable;

    private bool Writable() => _writable ??= writable();

    public RemasterOutcome Run(RemasterRequest req)
    {
        if (folder.Exists(RemasterJournal.FileName)) return Replay(req);
        var recovered = NoJournalRecovery.Recover(folder, req, log, Writable);
        if (recovered.BootInstead is not null) return new(RemasterResult.Stuck, BootInstead: recovered.BootInstead);
        var planned = RemasterPlanner.Plan(folder, req, log);
        if (planned.Journal is null)
            return new(planned.Refused ? RemasterResult.Refused
                : recovered.Renamed ? RemasterResult.Recovered : RemasterResult.Nothing);
        if (!Writable()) return new(RemasterResult.Refused);
        var result = new RemasterTransaction(folder, log, stopAfter).Run(planned.Journal);
        return Finish(result, planned.Journal, req, replayed: false);
    }

    /// <summary>The journal found on the medium, finished; a journal that cannot be used stops every rename.</summary>
    private RemasterOutcome Replay(RemasterRequest req)
    {
        var where = folder.Where(RemasterJournal.FileName);
        var journal = Read(out var error);
        if (journal is null)
        {
            log.Error($"{where} cannot be used: {error}. Nothing was renamed. If no remaster or rollback was cut short, delete "
                      + "it; otherwise put the files back by hand first.");
            return Stuck(req);
        }
        if (journal.Image != req.Image)
            log.Notice($"the interrupted {RemasterJournal.OperationName(journal.Operation)} concerns "
                       + $"{Media.PathText.Printable(journal.Image)} (this boot names {req.Image}); finishing it as recorded");
        if (!Writable())
        {
            log.Warn($"{where} records an interrupted {RemasterJournal.OperationName(journal.Operation)}, but the medium cannot be "
                     + "written: it is finished at the next boot that can write");
            return Stuck(req);
        }
        var result = new RemasterTransaction(folder, log, stopAfter).Replay(journal);
        return Finish(result, journal, req, replayed: true);
    }

    private RemasterJournal? Read(out string? error)
    {
        using var file = folder.TryOpen(RemasterJournal.FileName, out var refusal);
        if (file is null)
        {
            error = refusal ?? "it is a link to nothing";
            return null;
        }
        var bytes = file.ReadSmall(RemasterJournal.MaxBytes);
        if (bytes is null)
        {
            error = $"it is larger than {RemasterJournal.MaxBytes} bytes";
            return null;
        }
        return RemasterJournal.Parse(bytes, out error);
    }

    private RemasterOutcome Finish(TransactionResult result, RemasterJournal j, RemasterRequest req, bool replayed)
    {
        switch (result)
        {
            case TransactionResult.Completed:
                log.Notice(Done(j) + (replayed ? " (finished after an interruption)" : ""));
                return new(j.Operation == RemasterOperation.Apply ? RemasterResult.Applied : RemasterResult.RolledBack, replayed);
            case TransactionResult.Interrupted:
                return new(RemasterResult.Interrupted, replayed);
            case TransactionResult.Undone:
                return new(RemasterResult.Refused, replayed);
            default:
                return Stuck(req) with { Replayed = replayed };
        }
    }

    /// <summary>Nothing more can be done on this boot: boot the image, or <c>X.old</c> as it is when the image is
    /// missing.</summary>
    private RemasterOutcome Stuck(RemasterRequest req)
    {
        string x = req.Image, old = x + ".old";
        if (folder.Exists(x) || !folder.Exists(old)) return new(RemasterResult.Stuck);
        log.Warn($"{folder.Where(x)} is missing: booting {old} as it is, renaming nothing");
        return new(RemasterResult.Stuck, BootInstead: old);
    }

    private static string Done(RemasterJournal j)
    {
        var x = Media.PathText.Printable(j.Image);
        const string r = RemasterNames.Rootfs;
        var steps = j.Renames;
        if (j.Operation == RemasterOperation.Apply)
        {
            var text = $"remaster applied: {x}.new is now {x}; the previous one is {x}.old (boot with rollback to return to it)";
            if (steps.Contains(new RenameStep(r + ".new", r)))
                text += steps.Contains(new RenameStep(r, r + ".old"))
                    ? $"; {r}.new is now {r}, the changes saved with the previous one are in {r}.old"
                    : $"; {r}.new is now {r}";
            return text;
        }
        var back = $"rollback done: {x}.old is {x} again; the failed one is {x}.bad";
        if (steps.Contains(new RenameStep(x + ".bad", x + ".bak"))) back += $" (the one before it is now {x}.bak)";
        if (steps.Contains(new RenameStep(r + ".old", r))) back += $"; {r}.old is {r} again" +
            (steps.Contains(new RenameStep(r, r + ".bad")) ? $", the changes made over the failed one are in {r}.bad" : "");
        return back;
    }
}
