namespace LiveInit.Cmdline;

/// <summary>
/// The kernel command line split the way the kernel's own parser (lib/cmdline.c next_arg) splits it:
/// words are separated by ASCII white space outside double quotes; a word that starts with a quote is
/// unquoted as a whole (<c>"cow_label=my disk"</c>); a value that starts with a quote loses its surrounding
/// quotes (<c>cow_label="my disk"</c>); a lone <c>--</c> hands every later word to init.
/// Repeated keys: <see cref="Get"/> returns the last, <see cref="GetAll"/> all of them in order.
/// </summary>
public sealed class KernelCommandLine
{
    public IReadOnlyList<KernelParameter> Parameters { get; }
    public IReadOnlyList<string> InitArguments { get; }
    public string Raw { get; }

    private KernelCommandLine(string raw, List<KernelParameter> parameters, List<string> initArgs)
    {
        Raw = raw;
        Parameters = parameters;
        InitArguments = initArgs;
    }

    public static KernelCommandLine Parse(string text)
    {
        var parameters = new List<KernelParameter>();
        var init = new List<string>();
        var afterDashes = false;
        var i = 0;
        while (true)
        {
            while (i < text.Length && IsSpace(text[i])) i++;
            if (i >= text.Length) break;
            var (key, value, next) = NextWord(text, i);
            i = next;
            if (afterDashes) { init.Add(value is null ? key : key + "=" + value); continue; }
            if (key == "--" && value is null) { afterDashes = true; continue; }
            if (key.Length == 0 && value is null) continue;
            parameters.Add(new KernelParameter(key, value));
        }
        return new KernelCommandLine(text, parameters, init);
    }

    /// <summary>/proc/cmdline content: NUL or newline terminated text.</summary>
    public static KernelCommandLine FromProc(string path = "/proc/cmdline") =>
        Parse(File.ReadAllText(path).TrimEnd('\0', '\n'));

    private static (string Key, string? Value, int Next) NextWord(string s, int start)
    {
        var p = start;
        var quoted = false;
        if (s[p] == '"') { p++; quoted = true; }
        var inQuote = quoted;
        var equals = -1;
        var i = p;
        for (; i < s.Length; i++)
        {
            if (IsSpace(s[i]) && !inQuote) break;
            if (equals < 0 && s[i] == '=') equals = i;
            if (s[i] == '"') inQuote = !inQuote;
        }
        var end = i;                     // exclusive end of the word
        var next = i < s.Length ? i + 1 : i;
        var trailingQuote = end > p && s[end - 1] == '"';
        if (equals < 0)
        {
            var keyEnd = quoted && trailingQuote ? end - 1 : end;
            return (s[p..Math.Max(p, keyEnd)], null, next);
        }
        var key = s[p..equals];
        var vStart = equals + 1;
        var vEnd = end;
        if (vStart < end && s[vStart] == '"')
        {
            vStart++;
            if (trailingQuote && vEnd - 1 >= vStart) vEnd--;
        }
        else if (quoted && trailingQuote && vEnd - 1 >= vStart) vEnd--;
        return (key, s[vStart..Math.Max(vStart, vEnd)], next);
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    public bool Has(string key)
    {
        for (var i = 0; i < Parameters.Count; i++) if (Parameters[i].Key == key) return true;
        return false;
    }

    /// <summary>The last occurrence of <paramref name="key"/>, or null when absent.</summary>
    public KernelParameter? Find(string key)
    {
        for (var i = Parameters.Count - 1; i >= 0; i--) if (Parameters[i].Key == key) return Parameters[i];
        return null;
    }

    /// <summary>The value of the last occurrence; null when absent or a bare flag.</summary>
    public string? Get(string key) => Find(key)?.Value;

    public IReadOnlyList<string?> GetAll(string key)
    {
        var list = new List<string?>();
        foreach (var p in Parameters) if (p.Key == key) list.Add(p.Value);
        return list;
    }

    public int Count(string key) => GetAll(key).Count;
}
