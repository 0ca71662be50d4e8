using LiveInit.Native;

namespace LiveInit.Modules;

/// <summary>
/// Loads modules without modprobe: softdep "pre" modules, then dependencies (deepest first), then the
/// module itself with finit_module(2), then softdep "post". Built-in and already-loaded modules are not
/// errors. Compressed modules (.ko.xz/.ko.zst) are handed to the kernel with MODULE_INIT_COMPRESSED_FILE.
/// Thread-safe: coldplug runs on a background thread while the boot looks for its medium. A module being
/// loaded by one thread is waited for by any other that needs it, so nothing loads before its dependencies.
/// </summary>
public sealed class ModuleLoader(ModuleIndex index, Action<string> info, Action<string> warn, Action<string>? notice = null)
{
    private readonly object _gate = new();
    private readonly HashSet<string> _done = [];
    private readonly HashSet<string> _failed = [];
    private readonly Dictionary<string, ManualResetEventSlim> _loading = [];
    private int _loaded;

    public ModuleIndex Index => index;
    public IReadOnlyCollection<string> Failed { get { lock (_gate) return _failed.ToList(); } }
    public int LoadedCount => Volatile.Read(ref _loaded);

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
        ManualResetEventSlim? other, gate = null;
        lock (_gate)
        {
            if (_done.Contains(name)) return true;
            if (_failed.Contains(name) || depth > 32) return false;
            if (!_loading.TryGetValue(name, out other)) _loading[name] = gate = new ManualResetEventSlim(false);
        }
        if (other is not null)
        {
            other.Wait();
            lock (_gate) return _done.Contains(name);
        }
        var ok = false;
        try { ok = Insert(name, depth); }
        finally
        {
            lock (_gate)
            {
                (ok ? _done : _failed).Add(name);
                _loading.Remove(name);
            }
            gate!.Set();
        }
        return ok;
    }

    private bool Insert(string name, int depth)
    {
        if (index.Builtin.Contains(name) || IsLoaded(name)) return true;
        index.SoftDeps.TryGetValue(name, out var sd);
        if (sd.Pre is not null)
            foreach (var pre in sd.Pre) Load(pre, quietIfUnknown: true);
        if (index.DepsByName.TryGetValue(name, out var deps))
            foreach (var dep in deps) LoadOne(dep, depth + 1);
        if (!index.PathByName.TryGetValue(name, out var rel)) return false;
        var path = Path.Combine(index.Root, rel);
        var err = Finit(path);
        if (err != 0 && err != Errno.EEXIST)
        {
            warn($"loading module {name} ({path}) failed: {Errno.Describe(err)}");
            return false;
        }
        if (err == 0) { Interlocked.Increment(ref _loaded); info($"loaded module {name}"); }
        if (sd.Post is not null)
            foreach (var post in sd.Post) Load(post, quietIfUnknown: true);
        return true;
    }

    private int _kernelDecompresses = 1;   // 1 = unknown or yes, 0 = the kernel refused MODULE_INIT_COMPRESSED_FILE

    /// <summary>finit_module; a compressed module goes to the kernel with MODULE_INIT_COMPRESSED_FILE, and when
    /// the kernel cannot decompress (before 6.4, or without CONFIG_MODULE_DECOMPRESS) a .ko.xz is decompressed
    /// here and loaded with init_module.</summary>
    private int Finit(string path)
    {
        var compressed = path.EndsWith(".xz", StringComparison.Ordinal) || path.EndsWith(".zst", StringComparison.Ordinal)
                         || path.EndsWith(".gz", StringComparison.Ordinal);
        if (compressed && Volatile.Read(ref _kernelDecompresses) == 0) return InMemory(path);
        var fd = Libc.TryOpen(path, Libc.O_RDONLY, out var e);
        if (fd is null) return e;
        int err;
        using (fd) err = Libc.FinitModule(fd, "", compressed ? Libc.MODULE_INIT_COMPRESSED_FILE : 0);
        if (!compressed || err is not (Errno.EINVAL or Errno.ENOSYS or Errno.ENOTSUP)) return err;
        if (Interlocked.Exchange(ref _kernelDecompresses, 0) == 1)
            (notice ?? info)($"the kernel cannot load compressed modules itself ({Errno.Describe(err)}); decompressing .ko.xz in memory");
        return InMemory(path);
    }

    private int InMemory(string path)
    {
        if (!path.EndsWith(".xz", StringComparison.Ordinal))
        {
            warn($"{path}: only .ko.xz can be decompressed by LiveInit; rebuild the initramfs with uncompressed modules");
            return Errno.ENOTSUP;
        }
        byte[] image;
        try { image = XzDecoder.Decompress(File.ReadAllBytes(path)); }
        catch (InvalidDataException ex)
        {
            warn($"{path}: {ex.Message}");
            return Errno.EBADMSG;
        }
        return Libc.InitModule(image, "");
    }
}
