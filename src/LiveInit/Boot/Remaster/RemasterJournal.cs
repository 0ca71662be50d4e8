using System.Text;

namespace LiveInit.Boot.Remaster;

public enum RemasterOperation { Apply, Rollback }

/// <summary>One rename of a transaction, both names in the image folder.</summary>
public readonly record struct RenameStep(string From, string To)
{
    public override string ToString() => $"{From} -> {To}";
}

/// <summary>
/// The intent record of one remaster or rollback, written durably beside the image BEFORE the first rename
/// and removed when the last one is durable. A boot that finds it finishes the transaction before anything
/// else. Text, one item per line (names percent-escaped where they hold spaces or control bytes):
/// <code>
/// liveinit-remaster 1
/// operation apply
/// image linuxfs
/// rename linuxfs linuxfs.old
/// rename linuxfs.new linuxfs
/// end
/// </code>
/// It is read from a medium, so it is hostile: at most <see cref="MaxBytes"/>, only the renames the operation
/// can plan (<see cref="RemasterNames.Validate"/>), and nothing is done with one that does not parse.
/// </summary>
public sealed record RemasterJournal(RemasterOperation Operation, string Image, IReadOnlyList<RenameStep> Renames)
{
    public const int FormatVersion = 1, MaxBytes = 4096, MaxRenames = 16, MaxName = 255;
    public const string FileName = ".liveinit-remaster";
    private const string Magic = "liveinit-remaster";

    public static string OperationName(RemasterOperation op) => op == RemasterOperation.Apply ? "apply" : "rollback";

    public byte[] Serialize()
    {
        var s = new StringBuilder();
        s.Append($"# LiveInit: the renames of one {OperationName(Operation)}, finished at the next boot if the power was cut.\n");
        s.Append("# Do not edit. Delete it only after putting the files back by hand (the boot messages say how).\n");
        s.Append($"{Magic} {FormatVersion}\n");
        s.Append($"operation {OperationName(Operation)}\n");
        s.Append($"image {Escape(Image)}\n");
        foreach (var r in Renames) s.Append($"rename {Escape(r.From)} {Escape(r.To)}\n");
        s.Append("end\n");
        return Encoding.UTF8.GetBytes(s.ToString());
    }

    /// <summary>The journal in <paramref name="bytes"/>, or null and what is wrong with it.</summary>
    public static RemasterJournal? Parse(ReadOnlySpan<byte> bytes, out string? error)
    {
        error = null;
        if (bytes.Length > MaxBytes) return Fail($"it is larger than {MaxBytes} bytes", out error);
        string text;
        try { text = new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException) { return Fail("it is not UTF-8 text", out error); }
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && l[0] != '#').ToList();
        RemasterOperation? op = null;
        string? image = null;
        var renames = new List<RenameStep>();
        var state = 0;   // 0: version expected, 1: body, 2: after "end"
        foreach (var line in lines)
        {
            var w = line.Split(' ');
            if (state == 2) return Fail("text follows its 'end' line", out error);
            if (state == 0)
            {
                if (w.Length != 2 || w[0] != Magic) return Fail($"its first line is not '{Magic} {FormatVersion}'", out error);
                if (w[1] != FormatVersion.ToString())
                    return Fail($"it is format {Printable(w[1])}, not {FormatVersion} (written by another LiveInit version?)",
                        out error);
                state = 1;
                continue;
            }
            switch (w[0])
            {
                case "operation" when w.Length == 2 && op is null:
                    op = w[1] switch { "apply" => RemasterOperation.Apply, "rollback" => RemasterOperation.Rollback, _ => null };
                    if (op is null) return Fail($"'{Printable(w[1])}' is not apply or rollback", out error);
                    break;
                case "image" when w.Length == 2 && image is null:
                    image = Unescape(w[1], out error);
                    if (image is null) return null;
                    break;
                case "rename" when w.Length == 3:
                    if (renames.Count == MaxRenames) return Fail($"it lists more than {MaxRenames} renames", out error);
                    var from = Unescape(w[1], out error);
                    var to = from is null ? null : Unescape(w[2], out error);
                    if (from is null || to is null) return null;
                    renames.Add(new RenameStep(from, to));
                    break;
                case "end" when w.Length == 1:
                    state = 2;
                    break;
                default:
                    return Fail($"the line '{Printable(line)}' is not understood", out error);
            }
        }
        if (state != 2) return Fail("it has no 'end' line (incomplete)", out error);
        if (op is null || image is null) return Fail("it names no operation or no image", out error);
        var journal = new RemasterJournal(op.Value, image, renames);
        error = RemasterNames.Validate(journal);
        return error is null ? journal : null;
    }

    /// <summary>A plain name in this folder: not empty, no '/', not '.' or '..', no NUL, at most 255 bytes.</summary>
    public static bool IsPlainName(string name) =>
        name.Length > 0 && name is not ("." or "..") && !name.Contains('/') && !name.Contains('\0')
        && Encoding.UTF8.GetByteCount(name) <= MaxName;

    /// <summary>Percent-escapes '%' and every byte outside printable ASCII (space included).</summary>
    public static string Escape(string name)
    {
        var s = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(name))
            if (b is > 0x20 and < 0x7F && b != (byte)'%') s.Append((char)b);
            else s.Append('%').Append(b.ToString("X2"));
        return s.ToString();
    }

    private static string? Unescape(string text, out string? error)
    {
        error = null;
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is <= ' ' or >= (char)0x7F) return BadName($"'{Printable(text)}' holds an unescaped character", out error);
            if (text[i] != '%') { bytes.Add((byte)text[i]); continue; }
            if (i + 2 >= text.Length
                || !byte.TryParse(text.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
                return BadName($"'{Printable(text)}' has a bad %-escape", out error);
            bytes.Add(b);
            i += 2;
        }
        string name;
        try { name = new UTF8Encoding(false, true).GetString(bytes.ToArray()); }
        catch (DecoderFallbackException) { return BadName($"'{Printable(text)}' is not UTF-8", out error); }
        return IsPlainName(name) ? name : BadName($"'{Printable(text)}' is not a plain file name", out error);
    }

    private static string Printable(string s) => Media.PathText.Printable(s.Length > 80 ? s[..80] + "..." : s);

    private static RemasterJournal? Fail(string why, out string? error)
    {
        error = why;
        return null;
    }

    private static string? BadName(string why, out string? error)
    {
        error = why;
        return null;
    }
}
