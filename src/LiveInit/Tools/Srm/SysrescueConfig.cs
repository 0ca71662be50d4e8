using System.Text;
using System.Text.Json;
using LiveInit.Media;

namespace LiveInit.Tools.Srm;

/// <summary>
/// SystemRescue's YAML configuration (sysrescue.d/*.yaml on the boot medium, merged in name order, a later file
/// winning per key), read only as far as the tools need it: <c>global: late_load_srm:</c>. When SystemRescue's own
/// initramfs already merged the files into /run/archiso/config/sysrescue-effective-config.json, that is used.
/// The YAML subset understood: <c>---</c>, comments, top-level mappings whose values are indented
/// <c>key: scalar</c> lines; scalars plain, 'single' or "double" quoted. Anything else is skipped.
/// </summary>
public static class SysrescueConfig
{
    public const string ConfigDir = "sysrescue.d", EffectiveJson = "/run/archiso/config/sysrescue-effective-config.json";
    public const long MaxFileBytes = 1 << 20;

    /// <summary>The late_load_srm value in effect, or null; <paramref name="source"/> says where it came from.</summary>
    public static string? LateLoadSrm(string bootMount, out string source)
    {
        if (File.Exists(EffectiveJson))
        {
            source = EffectiveJson;
            using var doc = JsonDocument.Parse(File.ReadAllBytes(EffectiveJson));
            return doc.RootElement.TryGetProperty("global", out var g) && g.ValueKind == JsonValueKind.Object
                   && g.TryGetProperty("late_load_srm", out var v) && v.ValueKind == JsonValueKind.String
                       && v.GetString() is { Length: > 0 } s
                ? s : null;
        }
        source = $"{bootMount}/{ConfigDir}/*.yaml";
        using var medium = MediumRoot.Open(bootMount);
        if (!medium.Lookup(ConfigDir).IsDirectory) return null;
        string? value = null;
        foreach (var name in medium.List(ConfigDir).Where(n => n.EndsWith(".yaml", StringComparison.Ordinal)
            || n.EndsWith(".yml", StringComparison.Ordinal)))
        {
            using var f = medium.TryOpenFile($"{ConfigDir}/{name}", write: false, out _);
            if (f is null || f.Length > MaxFileBytes) continue;
            using var s = f.OpenStream();
            var text = new StreamReader(s, Encoding.UTF8).ReadToEnd();
            if (Parse(text).TryGetValue("global", out var global) && global.TryGetValue("late_load_srm", out var v))
            {
                value = v;
                source = $"{bootMount}/{ConfigDir}/{name}";
            }
        }
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>Scope → key → scalar (null for an empty value, ~ or null). Pure.</summary>
    public static Dictionary<string, Dictionary<string, string?>> Parse(string yaml)
    {
        var result = new Dictionary<string, Dictionary<string, string?>>();
        Dictionary<string, string?>? scope = null;
        int? childIndent = null;
        foreach (var raw in yaml.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var trimmed = line.TrimStart(' ');
            if (trimmed.Length == 0 || trimmed.StartsWith('#') || line is "---" or "...") continue;
            if (line.Contains('\t') && line.TrimStart(' ').StartsWith('\t')) continue;   // YAML forbids tab indentation
            var indent = line.Length - trimmed.Length;
            var colon = KeyColon(trimmed);
            if (indent == 0)
            {
                scope = null;
                childIndent = null;
                if (colon < 0) continue;
                var key = Unquote(trimmed[..colon].Trim());
                if (StripComment(trimmed[(colon + 1)..]).Trim().Length > 0 || key is null) continue;   // scalar at top level
                if (!result.TryGetValue(key, out scope)) result[key] = scope = new Dictionary<string, string?>();
                continue;
            }
            if (scope is null || colon < 0) continue;
            childIndent ??= indent;
            if (indent != childIndent) continue;   // deeper levels (lists, nested maps) are not needed
            var name = Unquote(trimmed[..colon].Trim());
            if (name is null) continue;
            scope[name] = Scalar(trimmed[(colon + 1)..]);
        }
        return result;
    }

    /// <summary>The colon that ends a mapping key (followed by a space or the end), outside quotes; -1 if none.</summary>
    private static int KeyColon(string s)
    {
        char? quote = null;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (quote is not null) { if (c == quote) quote = null; continue; }
            if (c is '"' or '\'' && i == 0) { quote = c; continue; }
            if (c == '#' && i > 0 && s[i - 1] == ' ') return -1;
            if (c == ':' && (i + 1 == s.Length || s[i + 1] == ' ')) return i;
        }
        return -1;
    }

    private static string? Scalar(string text)
    {
        var t = text.Trim();
        if (t.StartsWith('"'))
        {
            var sb = new StringBuilder();
            for (var i = 1; i < t.Length; i++)
            {
                if (t[i] == '"') return sb.ToString();
                if (t[i] == '\\' && i + 1 < t.Length)
                {
                    i++;
                    sb.Append(t[i] switch { 'n' => '\n', 't' => '\t', '"' => '"', '\\' => '\\', '/' => '/', _ => t[i] });
                }
                else sb.Append(t[i]);
            }
            return sb.ToString();
        }
        if (t.StartsWith('\''))
        {
            var sb = new StringBuilder();
            for (var i = 1; i < t.Length; i++)
            {
                if (t[i] == '\'')
                {
                    if (i + 1 < t.Length && t[i + 1] == '\'') { sb.Append('\''); i++; continue; }
                    return sb.ToString();
                }
                sb.Append(t[i]);
            }
            return sb.ToString();
        }
        t = StripComment(t).Trim();
        return t is "" or "~" or "null" or "Null" or "NULL" ? null : t;
    }

    private static string StripComment(string s)
    {
        var i = s.IndexOf(" #", StringComparison.Ordinal);
        return i < 0 ? (s.StartsWith('#') ? "" : s) : s[..i];
    }

    private static string? Unquote(string key) =>
        key.Length >= 2 && (key[0] == '"' && key[^1] == '"' || key[0] == '\'' && key[^1] == '\'') ? key[1..^1]
            : key.Length > 0 ? key : null;
}
