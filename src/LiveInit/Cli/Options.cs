namespace LiveInit.Cli;

/// <summary>Minimal option reader: <c>--name value</c>, <c>--name=value</c>, repeated options, positionals.</summary>
public sealed class Options
{
    private readonly Dictionary<string, List<string>> _values = [];
    public List<string> Positionals { get; } = [];

    public static Options Parse(string[] args, IReadOnlyCollection<string> valued, IReadOnlyCollection<string>? flags = null)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a == "--") { o.Positionals.Add(a); continue; }
            var eq = a.IndexOf('=');
            var name = eq > 0 ? a[2..eq] : a[2..];
            if (flags?.Contains(name) == true) { o.Add(name, "true"); continue; }
            if (!valued.Contains(name)) throw new UsageException($"unknown option --{name}");
            string value;
            if (eq > 0) value = a[(eq + 1)..];
            else if (i + 1 < args.Length) value = args[++i];
            else throw new UsageException($"--{name} needs a value");
            o.Add(name, value);
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
}
