using LiveInit.Media;
using LiveInit.Plan;

namespace LiveInit.Boot.Layouts;

/// <summary>
/// Layout detection: which known layout a mounted medium holds (<see cref="Find"/>), and the dialect parameters
/// the layout found adds to the command line (<see cref="Parameters"/>), so that the dialect builds its own typed
/// plan for this medium. A <c>*</c> in a marker stands for one top-level folder; only the first
/// <see cref="MaxFolders"/> folders are looked into, and only names a boot parameter can carry as they are.
/// </summary>
public static class LayoutDetector
{
    public const int MaxFolders = 64;

    /// <summary>The first candidate whose marker is a regular file on the medium, with the folder a <c>*</c>
    /// matched; null when none is.</summary>
    public static (LayoutCandidate Layout, string? Folder)? Find(MediumRoot medium,
        IReadOnlyList<LayoutCandidate> candidates)
    {
        foreach (var c in candidates)
        {
            if (!c.Marker.StartsWith("*/", StringComparison.Ordinal))
            {
                if (medium.Lookup(c.Marker).IsFile) return (c, null);
                continue;
            }
            var rest = c.Marker[2..];
            IReadOnlyList<string> names;
            try { names = medium.List(""); }
            catch (IOException) { continue; }
            foreach (var name in names.Where(IsPlainFolderName).Take(MaxFolders))
                if (medium.Lookup($"{name}/{rest}").IsFile) return (c, name);
        }
        return null;
    }

    /// <summary>A folder name that can stand in a boot parameter as it is (letters, digits, '.', '_', '-'; not
    /// starting with '.'), at most 64 characters.</summary>
    public static bool IsPlainFolderName(string name) =>
        name.Length is > 0 and <= 64 && name[0] != '.'
        && LiveInit.Text.Chars.All(name, ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-');

    /// <summary>The parameters that make the layout's dialect describe this medium: the dialect forced, and the
    /// layout's own medium parameters for the device (and folder) found.</summary>
    public static string Parameters(LayoutCandidate layout, string? folder, string devPath)
    {
        if (!devPath.StartsWith("/dev/", StringComparison.Ordinal) || !IsPlainFolderName(devPath[5..]))
            throw new ArgumentException($"'{devPath}' is not a plain device node path");
        if (folder is not null && !IsPlainFolderName(folder))
            throw new ArgumentException($"'{folder}' cannot stand in a boot parameter");
        var medium = layout.MediumParameters.Replace("{device}", devPath).Replace("{folder}", folder ?? "");
        return $"liveinit.dialect={layout.Dialect} {medium}".TrimEnd();
    }
}
