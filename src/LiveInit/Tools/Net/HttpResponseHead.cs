using System.Text;

namespace LiveInit.Tools.Net;

/// <summary>The status line and headers of an HTTP/1.x response (pure). Header names are case-insensitive;
/// a repeated header keeps its last value.</summary>
public sealed record HttpResponseHead(int Status, string Reason, IReadOnlyDictionary<string, string> Headers)
{
    public const int MaxHeadBytes = 64 * 1024;

    public string? this[string name] => Headers.TryGetValue(name, out var v) ? v : null;

    public bool Chunked => this["Transfer-Encoding"]?.Split(',').Any(t => t.Trim().Equals("chunked",
        StringComparison.OrdinalIgnoreCase)) == true;

    /// <summary>Content-Length, or null when absent (body until the connection closes, or chunked).</summary>
    public long? ContentLength
    {
        get
        {
            var v = this["Content-Length"];
            if (v is null) return null;
            return long.TryParse(v.Trim(), out var n) && n >= 0 ? n
                : throw new InvalidDataException($"bad Content-Length '{v}'");
        }
    }

    public bool IsRedirect => Status is 301 or 302 or 303 or 307 or 308;

    /// <summary>Parses the head (everything before the empty line, without it).</summary>
    public static HttpResponseHead Parse(ReadOnlySpan<byte> head)
    {
        var text = Encoding.Latin1.GetString(head);
        var lines = text.Split("\r\n");
        var status = lines[0];
        if (!status.StartsWith("HTTP/1.", StringComparison.Ordinal) || status.Length < 12 || status[8] != ' ')
            throw new InvalidDataException($"not an HTTP/1.x response: '{Printable(status)}'");
        if (!int.TryParse(status.AsSpan(9, 3), out var code) || code < 100)
            throw new InvalidDataException($"bad status line '{Printable(status)}'");
        var reason = status.Length > 13 ? status[13..] : "";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) continue;
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new InvalidDataException($"bad header line '{Printable(line)}'");
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return new HttpResponseHead(code, reason, headers);
    }

    private static string Printable(string s) => LiveInit.Text.Chars.Printable(s, 120);
}
