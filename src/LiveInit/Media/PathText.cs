namespace LiveInit.Media;

/// <summary>Paths and names read from a medium, made safe for the console: control characters (escape
/// sequences, newlines) become '?', and the text is cut at 400 characters.</summary>
public static class PathText
{
    public static string Printable(string s) => LiveInit.Text.Chars.Printable(s, 400);
}
