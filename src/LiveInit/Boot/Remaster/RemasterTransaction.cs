namespace LiveInit.Boot.Remaster;

public enum TransactionResult
{
    /// <summary>Every rename done and the journal removed.</summary>
    Completed,
    /// <summary>Stopped by the test hook: what a power cut after that step leaves on the medium.</summary>
    Interrupted,
    /// <summary>An incoming image failed its check or a rename failed: the renames done were undone and the
    /// journal removed; the medium is as it was before the transaction.</summary>
    Undone,
    /// <summary>Nothing could be done safely (the medium matches no point of the journal, or an undo failed):
    /// the journal stays for the next boot or for the user.</summary>
    Stuck,
}

/// <summary>
/// Runs one journaled transaction in the image folder. Step 0 writes the journal durably; step k (1..n) is
/// the k-th rename (RENAME_NOREPLACE, then fsync of the folder); then the journal is removed durably. A power
/// cut therefore leaves the journal and exactly the state after some step k; <see cref="Replay"/> recognises k
/// from the names present (each step changes them, so every k looks different), then does the rest. An
/// incoming image is checked again before it is renamed in during a replay; if it fails, or a rename fails,
/// the renames done are undone in reverse order (a cut during the undo leaves an earlier step's state, which
/// the next boot replays forward and undoes again), so the medium is never left without its image.
/// <paramref name="stopAfter"/> (tests, <c>liveinit remaster-step</c>) is asked after every durable step
/// whether to stop there, as a power cut would.
/// </summary>
public sealed class RemasterTransaction(RemasterFolder folder, IRemasterLog log, Func<int, bool>? stopAfter = null)
{
    private const string Journal = RemasterJournal.FileName;

    /// <summary>A new transaction: journal first, then every rename, then the journal goes.</summary>
    public TransactionResult Run(RemasterJournal journal)
    {
        try { folder.WriteDurably(Journal, journal.Serialize()); }
        catch (IOException e)
        {
            // nothing is renamed before the journal is durable: a full or failing medium changes nothing
            log.Warn($"the remaster journal cannot be written ({e.Message}); nothing was renamed. Free some space on the "
                     + "medium (or check it) and reboot");
            return TransactionResult.Undone;
        }
        log.Info($"remaster journal {folder.Where(Journal)} written: {P(string.Join(", ", journal.Renames))}");
        return Stop(0) ? TransactionResult.Interrupted : Continue(journal, 0, checkIncoming: false);
    }

    /// <summary>Finishes a transaction found on the medium.</summary>
    public TransactionResult Replay(RemasterJournal journal)
    {
        var done = StepsDone(journal, out var present);
        var what = RemasterJournal.OperationName(journal.Operation);
        if (done is null)
        {
            var expected = RemasterNames.States(journal.Renames)!;
            log.Error($"an interrupted {what} is recorded in {folder.Where(Journal)}, but the files do not match any point of it "
                      + $"(present: {Names(present)}; before it began: {Names(expected[0])}; when complete: {Names(expected[^1])}). "
                      + "Nothing was renamed. Put the files back by hand (the journal lists the renames in order), then delete "
                      + $"{folder.Where(Journal)}.");
            return TransactionResult.Stuck;
        }
        log.Notice($"finishing an interrupted {what} found in {folder.Where(Journal)}: {done} of {journal.Renames.Count} renames "
                   + "were done before the power was lost");
        return Continue(journal, done.Value, checkIncoming: true);
    }

    /// <summary>How many renames are done: the k whose state matches the names present (null: none matches).</summary>
    public int? StepsDone(RemasterJournal journal, out HashSet<string> present)
    {
        var names = RemasterNames.Mentioned(journal.Renames);
        present = new HashSet<string>(names.Where(folder.Exists), StringComparer.Ordinal);
        var states = RemasterNames.States(journal.Renames);
        if (states is null) return null;
        int? match = null;
        for (var k = 0; k < states.Count; k++)
        {
            if (!states[k].SetEquals(present)) continue;
            if (match is not null) return null;   // two points look the same: cannot tell (never for a valid journal)
            match = k;
        }
        return match;
    }

    private TransactionResult Continue(RemasterJournal journal, int done, bool checkIncoming)
    {
        for (var i = done; i < journal.Renames.Count; i++)
        {
            var step = journal.Renames[i];
            if (checkIncoming && RemasterNames.Incoming(journal.Operation, journal.Image, step) is { } role
                && IncomingImage.Problem(folder, step.From, role) is { } problem)
            {
                log.Warn($"{folder.Where(step.From)} is not renamed to {P(step.To)}: {problem}. It is left in place.");
                return Undo(journal, i);
            }
            try { folder.Rename(step.From, step.To); }
            catch (IOException e)
            {
                log.Error($"rename {P(step.ToString())}: {e.Message}");
                return Undo(journal, i);
            }
            if (Stop(i + 1)) return TransactionResult.Interrupted;
        }
        RemoveJournal();
        return TransactionResult.Completed;
    }

    /// <summary>Undoes renames <paramref name="done"/>-1 .. 0, then removes the journal.</summary>
    private TransactionResult Undo(RemasterJournal journal, int done)
    {
        for (var i = done - 1; i >= 0; i--)
        {
            var step = journal.Renames[i];
            try { folder.Rename(step.To, step.From); }
            catch (IOException e)
            {
                log.Error($"undoing {P(step.ToString())} failed ({e.Message}); {folder.Where(Journal)} is kept and the next "
                          + "boot tries again");
                return TransactionResult.Stuck;
            }
        }
        if (done > 0)
            log.Notice($"the {done} rename(s) already done were undone: the folder is as before the "
                       + RemasterJournal.OperationName(journal.Operation));
        RemoveJournal();
        return TransactionResult.Undone;
    }

    private bool RemoveJournal()
    {
        try
        {
            folder.Delete(Journal);
            return true;
        }
        catch (IOException e)
        {
            // every rename is done: the next boot finds the final state and only removes the journal
            log.Warn($"{folder.Where(Journal)} could not be removed ({e.Message}); the next boot finds the renames done "
                     + "and removes it");
            return false;
        }
    }

    private static string P(string s) => Media.PathText.Printable(s);

    private bool Stop(int step) => stopAfter?.Invoke(step) == true;

    private static string Names(IEnumerable<string> names) =>
        names.Any() ? Media.PathText.Printable(string.Join(", ", names.Order(StringComparer.Ordinal))) : "none";
}
