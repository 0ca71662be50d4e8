using System.Text;

namespace LiveInit.Devices.Udev;

/// <summary>The two string rules udev applies to identifiers before they become link names (systemd's
/// udev-util: replace_whitespace and replace_chars), as their behaviour is documented there: strip, collapse
/// whitespace runs to one '_', and replace every byte outside [0-9A-Za-z#+-.:=@_] (and outside the extra
/// allowed set) with '_', keeping valid UTF-8 sequences and <c>\x</c> escapes.</summary>
public static class UdevText
{
    /// <summary>Leading/trailing whitespace dropped, each inner run of whitespace one '_'; a NUL ends the
    /// text (the C string it was).</summary>
    public static byte[] ReplaceWhitespace(ReadOnlySpan<byte> raw)
    {
        var nul = raw.IndexOf((byte)0);
        if (nul >= 0) raw = raw[..nul];
        var end = raw.Length;
        while (end > 0 && IsSpace(raw[end - 1])) end--;
        var i = 0;
        while (i < end && IsSpace(raw[i])) i++;
        var o = new List<byte>(end - i);
        var space = false;
        for (; i < end; i++)
        {
            if (IsSpace(raw[i])) { space = true; continue; }
            if (space) { o.Add((byte)'_'); space = false; }
            o.Add(raw[i]);
        }
        return o.ToArray();
    }

    /// <summary>Both rules, as ata_id, scsi_id and usb_id apply them to model and serial bytes.</summary>
    public static string Clean(ReadOnlySpan<byte> raw) => ReplaceChars(ReplaceWhitespace(raw));

    /// <summary><see cref="Clean(ReadOnlySpan{byte})"/> of a string whose chars are bytes (Latin-1).</summary>
    public static string CleanLatin(string s) => Clean(Encoding.Latin1.GetBytes(s));

    public static string ReplaceChars(string s, string allow = "") => ReplaceChars(Encoding.UTF8.GetBytes(s), allow);

    /// <summary>udev's replace_chars: bytes not allowed become '_' (whitespace becomes ' ' when ' ' is in
    /// <paramref name="allow"/>).</summary>
    public static string ReplaceChars(ReadOnlySpan<byte> text, string allow = "")
    {
        var b = text.ToArray();
        for (var i = 0; i < b.Length;)
        {
            var c = b[i];
            if (c < 0x80 && (char.IsAsciiLetterOrDigit((char)c) || "#+-.:=@_".Contains((char)c)
                             || allow.Contains((char)c)))
            { i++; continue; }
            if (c == '\\' && i + 1 < b.Length && b[i + 1] == 'x') { i += 2; continue; }
            var len = Utf8Length(b, i);
            if (len > 1) { i += len; continue; }
            b[i] = IsSpace(c) && allow.Contains(' ') ? (byte)' ' : (byte)'_';
            i++;
        }
        return Encoding.UTF8.GetString(b);
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f'
        or (byte)'\r';

    /// <summary>Length of a valid multi-byte UTF-8 sequence at i, else 0.</summary>
    private static int Utf8Length(byte[] b, int i)
    {
        var c = b[i];
        var n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
        if (c >= 0xF8 || n == 0 || i + n > b.Length) return 0;
        for (var k = 1; k < n; k++) if ((b[i + k] & 0xC0) != 0x80) return 0;
        return Rune.DecodeFromUtf8(b.AsSpan(i, n), out _, out var used) == System.Buffers.OperationStatus.Done
               && used == n ? n : 0;
    }
}
