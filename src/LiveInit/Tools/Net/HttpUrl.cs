namespace LiveInit.Tools.Net;

/// <summary>An http:// or https:// URL split into scheme, host, port and the request target (pure).</summary>
public sealed record HttpUrl(string Scheme, string Host, int Port, string Target)
{
    public bool Secure => Scheme == "https";

    /// <summary>The Host header: the name, and the port when it is not the scheme's default.</summary>
    public string HostHeader => (Host.Contains(':') ? $"[{Host}]" : Host) + (Port == (Secure ? 443 : 80) ? "" : $":{Port}");

    public override string ToString() => $"{Scheme}://{HostHeader}{Target}";

    public static bool LooksLikeUrl(string s) =>
        s.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("https://",
            StringComparison.OrdinalIgnoreCase);

    public static HttpUrl Parse(string text)
    {
        var sep = text.IndexOf("://", StringComparison.Ordinal);
        if (sep < 0) throw new FormatException($"'{text}' is not a URL (http://HOST/PATH)");
        var scheme = text[..sep].ToLowerInvariant();
        if (scheme is not ("http" or "https")) throw new FormatException($"'{scheme}://' is not supported: use "
            + "http:// or https://");
        var rest = text[(sep + 3)..];
        var slash = rest.IndexOfAny(['/', '?', '#']);
        var authority = slash < 0 ? rest : rest[..slash];
        var target = slash < 0 ? "/" : rest[slash..];
        var hash = target.IndexOf('#');
        if (hash >= 0) target = target[..hash];
        if (target.StartsWith('?')) target = "/" + target;
        if (authority.Contains('@')) throw new FormatException("user names and passwords in URLs are not supported");
        if (LiveInit.Text.Chars.Any(target, c => c <= ' ' || c == 0x7f)) throw new FormatException("the URL holds spaces or control "
            + "characters; encode them as %20 etc.");
        string host;
        var port = scheme == "https" ? 443 : 80;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0) throw new FormatException($"unterminated IPv6 address in '{text}'");
            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.StartsWith(':')) port = ParsePort(after[1..], text);
            else if (after.Length > 0) throw new FormatException($"bad host in '{text}'");
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            if (colon >= 0) port = ParsePort(authority[(colon + 1)..], text);
        }
        if (host.Length == 0) throw new FormatException($"no host in '{text}'");
        return new HttpUrl(scheme, host.ToLowerInvariant(), port, target);
    }

    /// <summary>A Location header resolved against this URL (absolute URL, absolute path, or relative path).</summary>
    public HttpUrl Resolve(string location)
    {
        if (LooksLikeUrl(location)) return Parse(location);
        if (location.StartsWith("//", StringComparison.Ordinal)) return Parse(Scheme + ":" + location);
        if (location.StartsWith('/')) return this with { Target = location };
        var path = Target.Split('?')[0];
        var dir = path[..(path.LastIndexOf('/') + 1)];
        return this with { Target = dir + location };
    }

    private static int ParsePort(string s, string text) =>
        int.TryParse(s, out var p) && p is > 0 and < 65536 ? p : throw new FormatException($"bad port '{s}' in '{text}'");
}
