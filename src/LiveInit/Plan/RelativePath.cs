namespace LiveInit.Plan;

/// <summary>Checks a path that must stay inside the device it is on: relative, no <c>..</c>, no NUL. The same
/// checks apply to paths typed on the command line and to defaults built from labels and UUIDs.</summary>
public static class RelativePath
{
    public static bool TryNormalize(string? text, out string normalized, out string? error)
    {
        normalized = "";
        error = null;
        if (string.IsNullOrWhiteSpace(text)) { error = "is empty"; return false; }
        if (text.Contains('\0')) { error = "contains a NUL byte"; return false; }
        if (text.StartsWith('/')) { error = $"'{text}' is absolute; give a path relative to the device root"; return false; }
        var parts = new List<string>();
        foreach (var part in text.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..") { error = $"'{text}' climbs out of its directory with '..'"; return false; }
            parts.Add(part);
        }
        if (parts.Count == 0) { error = $"'{text}' names no directory"; return false; }
        normalized = string.Join('/', parts);
        return true;
    }

    /// <summary>Like <see cref="TryNormalize"/> but a leading '/' means "from the device root" (dracut, antiX
    /// and SystemRescueCd-5 paths are written that way).</summary>
    public static bool TryNormalizeRooted(string? text, out string normalized, out string? error) =>
        TryNormalize(text?.TrimStart('/'), out normalized, out error);

    /// <summary><see cref="TryNormalize"/> for a folder that ends up in an overlayfs option (upperdir, workdir):
    /// also refuses ',' and ':' (overlayfs splits its options and lower directories there) and control
    /// characters (escape sequences and newlines on the console, and overlayfs cannot be given them).</summary>
    public static bool TryNormalizeForOverlay(string? text, out string normalized, out string? error)
    {
        if (!TryNormalize(text, out normalized, out error)) return false;
        if (OverlayProblem(normalized) is { } why)
        {
            error = $"'{Printable(normalized)}' {why}";
            normalized = "";
            return false;
        }
        return true;
    }

    /// <summary>One name (no '/'), as a file or folder name built from an on-disk label or UUID must be.</summary>
    public static bool TryName(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(text)) error = "is empty";
        else if (text is "." or "..") error = $"'{text}' is not a name";
        else if (text.Contains('/')) error = $"'{Printable(text)}' holds '/'";
        else if (text.Contains('\0')) error = "contains a NUL byte";
        return error is null;
    }

    /// <summary>Why a path cannot be an overlayfs option value as typed, or null.</summary>
    public static string? OverlayProblem(string path) =>
        LiveInit.Text.Chars.Any(path, char.IsControl) ? "holds control characters"
        : path.Contains(',') ? "holds ',' (overlayfs separates its options with it)"
        : path.Contains(':') ? "holds ':' (overlayfs separates lower directories with it)"
        : null;

    private static string Printable(string s) => LiveInit.Text.Chars.Printable(s, 200);
}
