using System.Globalization;
using System.Text;

namespace LiveInit.Text;

/// <summary>
/// Strings that came from a medium (labels, UUIDs, names) made safe to print on a console, in a log line or in
/// a report: valid UTF-8 stays as it is, except characters a terminal acts on or that change what the line
/// seems to say: C0 controls (ESC, newline, CR...), DEL, C1 controls (U+0080-U+009F, 0x9B is a CSI for some
/// terminals), format characters (bidirectional overrides, zero-width characters) and line/paragraph
/// separators. Those, and bytes that are not UTF-8, become \xNN per byte; a backslash becomes \\, so the
/// escaped text is unambiguous. Example: a label "ESC [2J newline x" prints as <c>\x1b[2J\x0ax</c>.
/// </summary>
public static class ConsoleText
{
    public static string Escape(string? text) => text is null ? "" : Escape(Encoding.UTF8.GetBytes(text));

    public static string Escape(ReadOnlySpan<byte> raw)
    {
        var sb = new StringBuilder(raw.Length);
        while (!raw.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(raw, out var rune, out var used);
            if (status != System.Buffers.OperationStatus.Done)
            {
                Hex(sb, raw[..Math.Max(1, used)]);
            }
            else if (rune.Value == '\\') sb.Append(@"\\");
            else if (IsUnsafe(rune)) Hex(sb, raw[..used]);
            else sb.Append(rune.ToString());
            raw = raw[Math.Max(1, used)..];
        }
        return sb.ToString();
    }

    /// <summary>The escaped text between double quotes, a quote inside it escaped as \".</summary>
    public static string Quoted(ReadOnlySpan<byte> raw) => "\"" + Escape(raw).Replace("\"", "\\\"") + "\"";

    public static string Quoted(string? text) => text is null ? "\"\"" : Quoted(Encoding.UTF8.GetBytes(text));

    private static bool IsUnsafe(Rune r) => Rune.GetUnicodeCategory(r) is UnicodeCategory.Control
        or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static void Hex(StringBuilder sb, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) sb.Append(@"\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
    }
}
