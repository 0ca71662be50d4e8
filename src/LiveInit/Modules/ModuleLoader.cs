using LiveInit.Native;

namespace LiveInit.Modules;

/// <summary>
/// Loads modules without modprobe: softdep "pre" modules, then dependencies (deepest first), then the
/// module itself with finit_module(2), then softdep "post". Built-in and already-loaded modules are not
/// errors. Compressed modules (.ko.xz/.ko.zst) are handed to the kernel with MODULE_INIT_COMPRESSED_FILE.
/// </summary>
public sealed class ModuleLoader(ModuleIndex index, Action<string> info, Action<string> warn)
{
    private readonly HashSet<string> _done = [];
    private readonly HashSet<string> _failed = [];
    public ModuleIndex Index => index;
    public IReadOnlyCollection<string> Failed => _failed;
    public int LoadedCount { get; private set; }

    /// <summary>Loads every module a name or alias resolves to; true when at least one is present now.</summary>
    public bool Load(string nameOrAlias, bool quietIfUnknown = false)
    {
        var mods = index.Resolve(nameOrAlias);
        if (mods.Count == 0)
        {
            if (!quietIfUnknown && !IsLoaded(ModuleName.Normalize(nameOrAlias)))
                warn($"module {nameOrAlias} is not in the initramfs (nor built in); add it with mkinitramfs --module {nameOrAlias}");
            return IsLoaded(ModuleName.Normalize(nameOrAlias));
        }
        var any = false;
        foreach (var m in mods) any |= LoadOne(m, 0);
        return any;
    }

    public static bool IsLoaded(string name) => Directory.Exists("/sys/module/" + name);

    private bool LoadOne(string name, int depth)
    {
        if (_done.Contains(name)) return true;
        if (_failed.Contains(name) || depth > 32) return false;
        _done.Add(name);
        if (index.Builtin.Contains(name) || IsLoaded(name)) return true;
        if (index.SoftDeps.TryGetValue(name, out var sd))
            foreach (var pre in sd.Pre) Load(pre, quietIfUnknown: true);
        if (index.DepsByName.TryGetValue(name, out var deps))
            foreach (var dep in deps) LoadOne(dep, depth + 1);
        if (!index.PathByName.TryGetValue(name, out var rel)) { _done.Remove(name); _failed.Add(name); return false; }
        var path = Path.Combine(index.Root, rel);
        var err = Insert(path);
        if (err != 0 && err != Errno.EEXIST)
        {
            _done.Remove(name);
            _failed.Add(name);
            warn($"loading module {name} ({path}) failed: {Errno.Describe(err)}");
            return false;
        }
        if (err == 0) { LoadedCount++; info($"loaded module {name}"); }
        if (sd.Post is not null)
            foreach (var post in sd.Post) Load(post, quietIfUnknown: true);
        return true;
    }

    private static int Insert(string path)
    {
        var fd = Libc.TryOpen(path, Libc.O_RDONLY, out var e);
        if (fd is null) return e;
        using (fd)
        {
            var compressed = path.EndsWith(".xz", StringComparison.Ordinal) || path.EndsWith(".zst", StringComparison.Ordinal)
                             || path.EndsWith(".gz", StringComparison.Ordinal);
            return Libc.FinitModule(fd, "", compressed ? Libc.MODULE_INIT_COMPRESSED_FILE : 0);
        }
    }
}
