namespace LiveInit.Modules;

/// <summary>
/// The module database of one kernel release: modules.dep (path: dependencies), modules.alias,
/// modules.softdep and modules.builtin, in depmod's text formats. Parsing takes text, so it is tested
/// with tables; <see cref="Load"/> reads the files from /lib/modules/KVER.
/// </summary>
public sealed class ModuleIndex
{
    public string Root { get; }
    public Dictionary<string, string> PathByName { get; } = [];
    public Dictionary<string, List<string>> DepsByName { get; } = [];
    public List<(string Pattern, string Module)> Aliases { get; } = [];
    public Dictionary<string, (List<string> Pre, List<string> Post)> SoftDeps { get; } = [];
    public HashSet<string> Builtin { get; } = [];

    public ModuleIndex(string root) => Root = root;

    public static ModuleIndex Load(string root)
    {
        var ix = new ModuleIndex(root);
        ix.ParseDep(ReadOrEmpty(Path.Combine(root, "modules.dep")));
        ix.ParseAlias(ReadOrEmpty(Path.Combine(root, "modules.alias")));
        ix.ParseSoftdep(ReadOrEmpty(Path.Combine(root, "modules.softdep")));
        ix.ParseBuiltin(ReadOrEmpty(Path.Combine(root, "modules.builtin")));
        return ix;
    }

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    public void ParseDep(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var colon = line.IndexOf(':');
            if (line.Length == 0 || line[0] == '#' || colon <= 0) continue;
            var path = line[..colon];
            var name = ModuleName.FromPath(path);
            PathByName[name] = path;
            DepsByName[name] = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(ModuleName.FromPath).ToList();
        }
    }

    public void ParseAlias(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var parts = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && parts[0] == "alias") Aliases.Add((parts[1], ModuleName.Normalize(parts[2])));
        }
    }

    public void ParseSoftdep(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var parts = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3 || parts[0] != "softdep") continue;
            var mod = ModuleName.Normalize(parts[1]);
            if (!SoftDeps.TryGetValue(mod, out var sd)) SoftDeps[mod] = sd = ([], []);
            List<string>? current = null;
            foreach (var w in parts.Skip(2))
            {
                if (w == "pre:") current = sd.Pre;
                else if (w == "post:") current = sd.Post;
                else current?.Add(w);   // may be an alias such as crypto-crc32c: kept as written
            }
        }
    }

    public void ParseBuiltin(string text)
    {
        foreach (var raw in text.Split('\n'))
            if (raw.Trim().Length > 0) Builtin.Add(ModuleName.FromPath(raw.Trim()));
    }

    /// <summary>Whether the module drives devices of a bus: it has an alias such as <c>pci:v…</c>,
    /// <c>virtio:d…</c>, <c>usb:v…</c>, <c>scsi:t-0x05</c>, <c>acpi*:…</c>, <c>platform:…</c>. Filesystems
    /// (<c>fs-ext4</c>), libraries (none), loop and device-mapper (<c>devname:</c>, <c>block-major-</c>), CPU
    /// feature matches (<c>cpu:type:…</c>) and symbol aliases do not.</summary>
    public bool DrivesDevices(string module)
    {
        foreach (var (pattern, m) in Aliases)
            if (m == module && IsDeviceAlias(pattern)) return true;
        return false;
    }

    public static bool IsDeviceAlias(string pattern)
    {
        var colon = pattern.IndexOf(':');
        if (colon <= 0) return false;
        var bus = pattern.AsSpan(0, colon);
        return !bus.SequenceEqual("devname") && !bus.SequenceEqual("symbol") && !bus.SequenceEqual("cpu");
    }

    private static int LiteralPrefix(string pattern)
    {
        var i = pattern.IndexOfAny(['*', '?', '[']);
        return i < 0 ? pattern.Length : i;
    }

    /// <summary>Module names for a name or an alias (a modalias string or a name like "crypto-crc32c").</summary>
    public List<string> Resolve(string nameOrAlias)
    {
        var n = ModuleName.Normalize(nameOrAlias);
        if (PathByName.ContainsKey(n) || Builtin.Contains(n)) return [n];
        var list = new List<string>();
        foreach (var (pattern, module) in Aliases)
        {
            // cheap reject on the literal part before the first wildcard ("pci:v00001AF4d", "usb:v")
            var literal = pattern.AsSpan(0, LiteralPrefix(pattern));
            if (!nameOrAlias.AsSpan().StartsWith(literal, StringComparison.Ordinal)) continue;
            if (!list.Contains(module) && Glob.Match(pattern, nameOrAlias)) list.Add(module);
        }
        return list;
    }
}
