namespace LiveInit.Boot;

/// <summary>
/// The option string of an overlayfs mount. Paths come from the plan and from media (folder names, links
/// resolved on a medium), so a value may hold the characters overlayfs splits on: ',' between options and ':'
/// between lower directories. overlayfs reads a backslash as "the next character is literal" (ovl_next_opt and
/// ovl_unescape), so each of '\', ',' and ':' gets one in front. Control characters are refused outright.
/// </summary>
public static class OverlayOptions
{
    public static string Build(IReadOnlyList<string> lowerTopFirst, string? upper, string? work)
    {
        if (lowerTopFirst.Count == 0) throw new ArgumentException("overlayfs needs at least one lower directory");
        var s = "lowerdir=" + string.Join(':', lowerTopFirst.Select(Escape));
        if (upper is not null) s += ",upperdir=" + Escape(upper) + ",workdir=" + Escape(work ?? throw new ArgumentException("upper without work"));
        return s;
    }

    /// <summary>False for a path overlayfs cannot be given at all (control characters): check before relying on
    /// it.</summary>
    public static bool CanEscape(string path) => !LiveInit.Text.Chars.Any(path, char.IsControl);

    public static string Escape(string path)
    {
        if (LiveInit.Text.Chars.Any(path, char.IsControl)) throw new BootFailure($"the path '{Media.PathText.Printable(path)}' holds control characters; overlayfs cannot be given it");
        var b = new System.Text.StringBuilder(path.Length + 8);
        foreach (var c in path)
        {
            if (c is '\\' or ',' or ':') b.Append('\\');
            b.Append(c);
        }
        return b.ToString();
    }
}
