namespace LiveInit.Boot.Remaster;

/// <summary>What an incoming file must be: the root image (squashfs or erofs) or the root persistence file
/// (an ext2/3/4 image).</summary>
public enum ImageRole { Root, Persistence }

/// <summary>
/// The names antiX remastering uses and the only renames a transaction may contain, in the only order they
/// may happen. For an image <c>X</c> (linuxfs) and root persistence <c>R</c> (rootfs):
/// apply: <c>X → X.old, X.md5 → X.old.md5, X.new → X, X.new.md5 → X.md5, R → R.old, R.new → R</c>;
/// rollback: <c>X.bad → X.bak, X.bad.md5 → X.bak.md5, X → X.bad, X.md5 → X.bad.md5, X.old → X,
/// X.old.md5 → X.md5, R.bad → R.bak, R → R.bad, R.old → R</c>.
/// A planned transaction is a subsequence of these (a file that is not there is not renamed); an <c>.md5</c>
/// file travels with its image so that it always describes the file beside it.
/// </summary>
public static class RemasterNames
{
    public const string Rootfs = "rootfs";

    public static IReadOnlyList<RenameStep> Canonical(RemasterOperation op, string x)
    {
        const string r = Rootfs;
        return op == RemasterOperation.Apply
            ?
            [
                new(x, x + ".old"), new(x + ".md5", x + ".old.md5"), new(x + ".new", x), new(x + ".new.md5", x + ".md5"),
                new(r, r + ".old"), new(r + ".new", r),
            ]
            :
            [
                new(x + ".bad", x + ".bak"), new(x + ".bad.md5", x + ".bak.md5"), new(x, x + ".bad"), new(x + ".md5", x + ".bad.md5"),
                new(x + ".old", x), new(x + ".old.md5", x + ".md5"),
                new(r + ".bad", r + ".bak"), new(r, r + ".bad"), new(r + ".old", r),
            ];
    }

    /// <summary>The image a step brings in, which is checked before the rename: <c>X.new</c>/<c>R.new</c> when
    /// applying, <c>X.old</c>/<c>R.old</c> when rolling back. Null for every other step.</summary>
    public static ImageRole? Incoming(RemasterOperation op, string x, RenameStep step)
    {
        var suffix = op == RemasterOperation.Apply ? ".new" : ".old";
        if (step.From == x + suffix && step.To == x) return ImageRole.Root;
        if (step.From == Rootfs + suffix && step.To == Rootfs) return ImageRole.Persistence;
        return null;
    }

    /// <summary>Whether the names of image <paramref name="x"/> and of rootfs can never be the same file (an image
    /// called <c>rootfs</c> or <c>rootfs.new</c> cannot be remastered beside root persistence).</summary>
    public static bool Distinct(string x)
    {
        var all = Canonical(RemasterOperation.Apply, x).Concat(Canonical(RemasterOperation.Rollback, x))
            .SelectMany(s => new[] { s.From, s.To }).Distinct().ToList();
        return all.Count == 15;
    }

    /// <summary>Null when <paramref name="j"/> is a transaction LiveInit could have planned: its renames are a
    /// subsequence of <see cref="Canonical"/>, each one's source is there and its target is not when its turn
    /// comes, the image is renamed in, and the current image and rootfs both exist at the end. Otherwise why not.</summary>
    public static string? Validate(RemasterJournal j)
    {
        if (!RemasterJournal.IsPlainName(j.Image)) return "its image name is not a plain file name";
        if (!Distinct(j.Image)) return $"its image name '{j.Image}' collides with the names of {Rootfs}";
        if (j.Renames.Count is 0 or > RemasterJournal.MaxRenames) return "its list of renames is empty or too long";
        var canonical = Canonical(j.Operation, j.Image);
        var last = -1;
        foreach (var step in j.Renames)
        {
            var i = IndexOf(canonical, step, last + 1);
            if (i < 0) return $"'{step}' is not a rename of an {RemasterJournal.OperationName(j.Operation)}, or is out of order";
            last = i;
        }
        var x = j.Image;
        var core = j.Operation == RemasterOperation.Apply
            ? new RenameStep[] { new(x, x + ".old"), new(x + ".new", x) }
            : [new(x, x + ".bad"), new(x + ".old", x)];
        if (core.Any(c => !j.Renames.Contains(c))) return $"it does not both move {x} aside and bring {core[1].From} in";
        var states = States(j.Renames);
        if (states is null) return "a rename's source is gone or its target taken when its turn comes";
        var end = states[^1];
        if (j.Renames.Any(s => s.From == Rootfs || s.To == Rootfs) && !end.Contains(Rootfs))
            return $"it would leave no {Rootfs}";
        return null;
    }

    /// <summary>The names present before the transaction and after each rename (index k: after k renames), over the
    /// names it mentions. A name first seen as a source is there at the start; first seen as a target, it is not.
    /// Null when a rename finds its source missing or its target present.</summary>
    public static List<HashSet<string>>? States(IReadOnlyList<RenameStep> renames)
    {
        var start = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in renames)
        {
            if (seen.Add(s.From)) start.Add(s.From);
            seen.Add(s.To);
        }
        var states = new List<HashSet<string>> { start };
        var now = new HashSet<string>(start, StringComparer.Ordinal);
        foreach (var s in renames)
        {
            if (!now.Contains(s.From) || now.Contains(s.To)) return null;
            now.Remove(s.From);
            now.Add(s.To);
            states.Add(new HashSet<string>(now, StringComparer.Ordinal));
        }
        return states;
    }

    /// <summary>Every name a transaction mentions, in first-mention order.</summary>
    public static IReadOnlyList<string> Mentioned(IReadOnlyList<RenameStep> renames) =>
        renames.SelectMany(s => new[] { s.From, s.To }).Distinct(StringComparer.Ordinal).ToList();

    private static int IndexOf(IReadOnlyList<RenameStep> list, RenameStep step, int from)
    {
        for (var i = from; i < list.Count; i++)
            if (list[i] == step) return i;
        return -1;
    }
}
