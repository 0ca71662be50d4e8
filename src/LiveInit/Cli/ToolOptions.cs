namespace LiveInit.Cli;

/// <summary>One option of a live-system tool: a short letter (or none), a long name, and whether it takes a value.</summary>
public sealed record OptionSpec(char? Short, string Long, bool TakesValue = false);

/// <summary>getopt-style options for the live-system tools, which keep their peers' short options
/// (<c>-s prepare -c xz</c>, <c>-vi</c>): short options bundled or with attached values, <c>--long value</c>,
/// <c>--long=value</c>, repeated options, <c>--</c> ending the options.</summary>
public sealed class ToolOptions
{
    private readonly Dictionary<string, List<string>> _values = [];
    public List<string> Positionals { get; } = [];

    public static ToolOptions Parse(IReadOnlyList<string> args, IReadOnlyList<OptionSpec> specs)
    {
        var o = new ToolOptions();
        var all = specs.Append(new OptionSpec('h', "help")).ToList();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--") { o.Positionals.AddRange(args.Skip(i + 1)); break; }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = a.IndexOf('=');
                var name = eq > 0 ? a[2..eq] : a[2..];
                var spec = all.FirstOrDefault(s => s.Long == name) ?? throw new UsageException($"unknown option --{name}");
                if (!spec.TakesValue)
                {
                    if (eq > 0) throw new UsageException($"--{name} takes no value");
                    o.Add(name, "true");
                    continue;
                }
                o.Add(name, eq > 0 ? a[(eq + 1)..] : i + 1 < args.Count ? args[++i]
                    : throw new UsageException($"--{name} needs a value"));
                continue;
            }
            if (a.Length < 2 || a[0] != '-') { o.Positionals.Add(a); continue; }
            for (var j = 1; j < a.Length; j++)
            {
                var spec = all.FirstOrDefault(s => s.Short == a[j]) ?? throw new UsageException($"unknown option -{a[j]}");
                if (!spec.TakesValue) { o.Add(spec.Long, "true"); continue; }
                if (j + 1 < a.Length) o.Add(spec.Long, a[(j + 1)..]);
                else if (i + 1 < args.Count) o.Add(spec.Long, args[++i]);
                else throw new UsageException($"-{a[j]} needs a value");
                break;
            }
        }
        return o;
    }

    private void Add(string k, string v)
    {
        if (!_values.TryGetValue(k, out var l)) _values[k] = l = [];
        l.Add(v);
    }

    public string? Get(string name) => _values.TryGetValue(name, out var l) ? l[^1] : null;
    public IReadOnlyList<string> GetAll(string name) => _values.TryGetValue(name, out var l) ? l : [];
    public bool Has(string name) => _values.ContainsKey(name);
    public bool WantsHelp => Has("help");

    /// <summary>A size in MiB given as a positional or option value: a positive whole number.</summary>
    public static long MiB(string text, string what)
    {
        var t = text.EndsWith("M", StringComparison.OrdinalIgnoreCase) ? text[..^1] : text;
        if (!long.TryParse(t, out var n) || n <= 0 || n > 16L * 1024 * 1024)
            throw new UsageException($"{what} must be a size in MiB (a whole number such as 512), not '{text}'");
        return n;
    }
}
