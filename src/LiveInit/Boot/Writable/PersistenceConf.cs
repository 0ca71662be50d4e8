using LiveInit.Plan;

namespace LiveInit.Boot.Writable;

/// <summary>How live-boot keeps a path of a <c>persistence.conf</c> line: <c>union</c> (overlayfs: upper
/// <c>&lt;source&gt;/rw</c>, work <c>&lt;source&gt;/work</c>), <c>bind</c> (the folder itself, the default) or
/// <c>link</c> (each entry of the folder linked into the path).</summary>
public enum PersistenceMode { Bind, Union, Link }

/// <summary>One line: the path in the live system (<see cref="Destination"/>, absolute, "/" for the root) kept in
/// <see cref="Source"/> on the persistence volume (relative to its root; "" is the root itself).</summary>
public sealed record PersistenceEntry(string Destination, string Source, PersistenceMode Mode, int Line)
{
    public bool IsRoot => Destination == "/";
}

/// <summary>
/// Debian live-boot's <c>persistence.conf</c>, read from a persistence volume (hostile input): lines
/// <c>DIR [OPTION,OPTION…]</c>, <c>#</c> comments, options <c>union</c>, <c>bind</c>, <c>link</c> (the last one
/// wins, as in live-boot) and <c>source=PATH</c>. Refused as live-boot refuses them, each with a console line naming
/// the line: a relative DIR, <c>.</c> or <c>..</c> in it, <c>/lib</c>, <c>/run/live</c> and below, a source that is
/// absolute or holds <c>..</c>, an unknown option; LiveInit also refuses control characters, ',' and ':' in paths
/// (they end up in overlayfs options), a second line for the same path, and sources nested in each other. Bounded:
/// <see cref="MaxBytes"/>, <see cref="MaxEntries"/>.
/// </summary>
public sealed record PersistenceConf(IReadOnlyList<PersistenceEntry> Entries, IReadOnlyList<string> Problems)
{
    public const string FileName = "persistence.conf";
    public const int MaxBytes = 64 * 1024, MaxEntries = 128, MaxLineLength = 4096;

    public PersistenceEntry? Root => Entries.FirstOrDefault(e => e.IsRoot);

    public static PersistenceConf Parse(string text)
    {
        var entries = new List<PersistenceEntry>();
        var problems = new List<string>();
        if (text.Length > MaxBytes)
        {
            problems.Add($"{FileName} is larger than {MaxBytes} bytes; only its first {MaxBytes} are read");
            text = text[..MaxBytes];
        }
        var lines = text.Split('\n');
        for (var n = 1; n <= lines.Length; n++)
        {
            var line = lines[n - 1].TrimEnd('\r');
            if (line.Length > MaxLineLength)
            {
                problems.Add($"{FileName} line {n}: longer than {MaxLineLength} characters; skipped");
                continue;
            }
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || words[0].StartsWith('#')) continue;
            if (entries.Count == MaxEntries)
            {
                problems.Add($"{FileName} line {n}: more than {MaxEntries} entries; the rest is ignored");
                break;
            }
            var entry = ParseLine(words, n, out var why);
            if (entry is null) { problems.Add($"{FileName} line {n}: {Printable(line)}: {why}; skipped"); continue; }
            if (Conflict(entries, entry) is { } clash)
            {
                problems.Add($"{FileName} line {n}: {Printable(line)}: {clash}; skipped");
                continue;
            }
            entries.Add(entry);
        }
        return new PersistenceConf(entries, problems);
    }

    private static PersistenceEntry? ParseLine(string[] words, int n, out string? why)
    {
        why = null;
        var dir = words[0];
        if (words.Length > 2) { why = "more than a path and a list of options"; return null; }
        if (PathProblem(dir) is { } p) { why = p; return null; }
        if (!dir.StartsWith('/')) { why = "the path must be absolute"; return null; }
        var parts = dir.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(x => x is "." or "..")) { why = "'.' and '..' are not allowed in the path"; return null; }
        var dest = "/" + string.Join('/', parts);
        if (dest == "/lib" || dest.StartsWith("/lib/", StringComparison.Ordinal)
            || dest == "/run/live" || dest.StartsWith("/run/live/", StringComparison.Ordinal))
        {
            why = "/lib and /run/live (and below) cannot be persistent, as in live-boot";
            return null;
        }
        var mode = PersistenceMode.Bind;
        string? source = null;
        foreach (var opt in (words.Length > 1 ? words[1] : "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (opt)
            {
                case "bind": mode = PersistenceMode.Bind; break;
                case "union": mode = PersistenceMode.Union; break;
                case "link": mode = PersistenceMode.Link; break;
                case var s when s.StartsWith("source=", StringComparison.Ordinal):
                    source = s["source=".Length..];
                    if (source == ".") source = "";
                    else if (PathProblem(source) is { } sp) { why = $"source: {sp}"; return null; }
                    else if (source.StartsWith('/') || source.Length == 0
                             || source.Split('/').Any(x => x is "." or ".."))
                    {
                        why = "source= must be '.' or a path relative to the volume's root without '.' or '..'";
                        return null;
                    }
                    break;
                default: why = $"unknown option '{Printable(opt)}' (use union, bind, link, source=)"; return null;
            }
        }
        source = string.Join('/', source?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? parts);
        if (dest == "/" && mode == PersistenceMode.Link) { why = "the root cannot be a link"; return null; }
        return new PersistenceEntry(dest, source, mode, n);
    }

    private static string? Conflict(List<PersistenceEntry> entries, PersistenceEntry e)
    {
        foreach (var other in entries)
        {
            if (other.Destination == e.Destination) return $"line {other.Line} already names {e.Destination}";
            if (other.IsRoot || e.IsRoot) continue;   // the root's rw/work folders sit beside the others
            if (Nested(other.Source, e.Source))
                return $"its source '{e.Source}' and line {other.Line}'s '{other.Source}' are the same or nested";
        }
        return null;
    }

    private static bool Nested(string a, string b) =>
        a == b || a.Length == 0 || b.Length == 0
        || a.StartsWith(b + "/", StringComparison.Ordinal) || b.StartsWith(a + "/", StringComparison.Ordinal);

    private static string? PathProblem(string p) =>
        LiveInit.Text.Chars.Any(p, char.IsControl) ? "control characters in a path"
        : p.Contains(',') || p.Contains(':') ? "',' and ':' cannot be given to overlayfs"
        : p.Contains('\\') ? "'\\' in a path"
        : null;

    private static string Printable(string s) => Media.PathText.Printable(s.Trim());
}
