namespace LiveInit.Plan;

/// <summary>Checks a path that must stay inside the device it is on: relative, no <c>..</c>, no NUL.</summary>
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
}
