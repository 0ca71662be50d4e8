namespace LiveInit.Boot.Remaster;

/// <summary>
/// A swap cut short by an older tool, by hand, or by another initrd leaves no journal, only a missing
/// <c>X</c> (or <c>rootfs</c>) beside its <c>.new</c>/<c>.old</c>. Without a record the choice is made
/// conservatively and said on the console:
/// <list type="bullet">
/// <item><c>X.new</c> and no <c>X.bad</c> (an apply was running): <c>X.new</c> becomes <c>X</c> if it passes
/// <see cref="IncomingImage"/>;</item>
/// <item>otherwise <c>X.old</c> (a rollback was running, or <c>X.new</c> is damaged) becomes <c>X</c> if it
/// passes;</item>
/// <item><c>X.new</c> with <c>X.bad</c> is never used (no remaster while <c>.bad</c> exists).</item>
/// </list>
/// The <c>.md5</c> file follows its image when its place is free. Each rename is RENAME_NOREPLACE plus an
/// fsync, and the rule only acts on a missing name, so a cut during the recovery is recovered the same way.
/// </summary>
public static class NoJournalRecovery
{
    /// <summary>What happened: <see cref="Renamed"/> when a file was restored; <see cref="BootInstead"/>: the medium
    /// could not be written and this file should be booted as it is.</summary>
    public readonly record struct Result(bool Renamed, string? BootInstead);

    public static Result Recover(RemasterFolder f, RemasterRequest req, IRemasterLog log, Func<bool> writable)
    {
        var renamed = false;
        string? bootInstead = null;
        foreach (var (name, role) in Names(req))
        {
            if (f.Exists(name)) continue;
            var source = Choose(f, name, role, log);
            if (source is null) continue;
            if (!writable())
            {
                if (role == ImageRole.Root)
                {
                    bootInstead = source;
                    log.Warn($"{f.Where(name)} is missing and the medium cannot be written: booting {source} as it is, "
                             + "renaming nothing");
                }
                continue;
            }
            try
            {
                f.Rename(source, name);
                if (f.Exists(source + ".md5") && !f.Exists(name + ".md5")) f.Rename(source + ".md5", name + ".md5");
            }
            catch (IOException e)
            {
                log.Error($"{f.Where(name)} is missing and restoring it from {source} failed: {e.Message}");
                continue;
            }
            renamed = true;
            var why = source.EndsWith(".new", StringComparison.Ordinal)
                ? "no journal: an apply by another tool was cut short, and the new file passed its checks"
                : "no journal: a rollback was cut short, or the new file could not be used";
            log.Warn($"{f.Where(name)} was missing (an interrupted remaster?); restored it from {source} ({why})");
        }
        return new(renamed, bootInstead);
    }

    private static IEnumerable<(string Name, ImageRole Role)> Names(RemasterRequest req)
    {
        yield return (req.Image, ImageRole.Root);
        if (req.PersistRoot) yield return (RemasterNames.Rootfs, ImageRole.Persistence);
    }

    /// <summary>The file to restore <paramref name="name"/> from, or null (the reason logged).</summary>
    private static string? Choose(RemasterFolder f, string name, ImageRole role, IRemasterLog log)
    {
        string newer = name + ".new", older = name + ".old";
        var hasBad = f.Exists(name + ".bad");
        if (f.Exists(newer))
        {
            if (hasBad)
                log.Warn($"{f.Where(name)} is missing; {newer} is not used because {name}.bad exists (a rollback was interrupted?)");
            else if (IncomingImage.Problem(f, newer, role) is { } problem)
                log.Warn($"{f.Where(name)} is missing; {newer} cannot replace it: {problem}");
            else return newer;
        }
        if (f.Exists(older))
        {
            if (IncomingImage.Problem(f, older, role) is not { } problem) return older;
            log.Error($"{f.Where(name)} is missing; {older} cannot replace it either: {problem}. "
                      + $"Rename a good copy to {name} by hand");
            return null;
        }
        if (role == ImageRole.Root && (f.Exists(newer) || hasBad))
            log.Error($"{f.Where(name)} is missing and there is no usable {newer} or {older}; rename a good copy to {name} by hand");
        return null;
    }
}
