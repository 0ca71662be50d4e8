namespace LiveInit.Tools.Srm;

/// <summary>One entry of pacman's local database (/var/lib/pacman/local/NAME-VERSION/desc).</summary>
public sealed record PacmanPackage(string Directory, string Name, string? Version, long? InstallDate);

/// <summary>
/// Pacman's local database, read as text (pure: no pacman needed). Both <c>desc</c> and <c>files</c> are lists of
/// sections: a <c>%KEY%</c> line, value lines, an empty line. <c>files</c> lists the package's paths relative to /
/// under <c>%FILES%</c>, folders with a trailing slash; <c>desc</c> holds %NAME%, %VERSION%, %INSTALLDATE% (Unix time).
/// </summary>
public static class PacmanDb
{
    public const string LocalDir = "var/lib/pacman/local";

    public static Dictionary<string, List<string>> Sections(string text)
    {
        var sections = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length > 2 && line[0] == '%' && line[^1] == '%' && !line[1..^1].Contains('%'))
            {
                current = [];
                sections[line[1..^1]] = current;
            }
            else if (line.Length == 0) current = null;
            else current?.Add(line);
        }
        return sections;
    }

    /// <summary>The package a desc file describes, or null when it names none.</summary>
    public static PacmanPackage? ParseDesc(string directory, string text)
    {
        var s = Sections(text);
        if (!s.TryGetValue("NAME", out var name) || name.Count == 0 || name[0].Length == 0) return null;
        var version = s.TryGetValue("VERSION", out var v) && v.Count > 0 ? v[0] : null;
        long? date = s.TryGetValue("INSTALLDATE", out var d) && d.Count > 0 && long.TryParse(d[0], out var t) ? t : null;
        return new PacmanPackage(directory, name[0], version, date);
    }

    /// <summary>The package's paths as absolute paths without a trailing slash ("/usr/bin/foo"), in file order.
    /// Entries that would leave the root ("..") are dropped.</summary>
    public static List<string> ParseFiles(string text)
    {
        if (!Sections(text).TryGetValue("FILES", out var files)) return [];
        return files.Select(f => "/" + f.Trim('/'))
            .Where(f => f.Length > 1 && !f.Split('/').Contains(".."))
            .ToList();
    }
}
