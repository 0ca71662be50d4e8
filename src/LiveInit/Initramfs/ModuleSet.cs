using LiveInit.Modules;

namespace LiveInit.Initramfs;

/// <summary>
/// The modules of one kernel on the build host, from modules.dep/alias/softdep when depmod made them,
/// else from every module's own .modinfo (a bare extracted kernel package has no modules.dep).
/// <see cref="Closure"/> picks a set with its dependencies and softdeps; <see cref="Write"/> writes the
/// index files trimmed to that set, in depmod's formats, for the loader in the initramfs.
/// </summary>
public sealed class ModuleSet
{
    public ModuleIndex Index { get; }
    public string Root => Index.Root;
    private readonly Dictionary<string, string> _extraFiles = [];   // path in the index -> file on the host

    private ModuleSet(ModuleIndex index) => Index = index;

    public static ModuleSet Load(string root)
    {
        if (File.Exists(Path.Combine(root, "modules.dep")) && File.Exists(Path.Combine(root, "modules.alias")))
            return new ModuleSet(ModuleIndex.Load(root));
        var files = Directory.EnumerateFiles(root, "*.ko*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        if (files.Any(f => !f.EndsWith(".ko", StringComparison.Ordinal)))
        {
            // compressed modules: their .modinfo cannot be read without decompressing every one of them;
            // kmod's depmod reads them natively and writes the index into the tree
            RunDepmod(root);
            return Load(root);
        }
        var ix = new ModuleIndex(root);
        var builtin = Path.Combine(root, "modules.builtin");
        if (File.Exists(builtin)) ix.ParseBuiltin(File.ReadAllText(builtin));
        foreach (var file in files)
        {
            var rel = Path.GetRelativePath(root, file);
            var info = ModuleInfo.Read(file) ?? throw new IOException($"{rel} is not an ELF64 kernel module");
            ix.PathByName[info.Name] = rel;
            ix.DepsByName[info.Name] = info.Depends.ToList();
            foreach (var a in info.Aliases) ix.Aliases.Add((a, info.Name));
            if (info.SoftDep is not null) ix.ParseSoftdep($"softdep {info.Name} {info.SoftDep}");
        }
        return new ModuleSet(ix);
    }

    private static void RunDepmod(string root)
    {
        var full = Path.GetFullPath(root).TrimEnd('/');
        var kver = Path.GetFileName(full);
        var modulesDir = Path.GetDirectoryName(full)!;
        if (Path.GetFileName(modulesDir) != "modules" || Path.GetFileName(Path.GetDirectoryName(modulesDir)) != "lib")
            throw new IOException($"{root} holds compressed modules and no modules.dep; it must be <base>/lib/modules/<release> so that 'depmod -b <base>' can index it");
        var baseDir = Path.GetDirectoryName(Path.GetDirectoryName(modulesDir))!;
        var depmod = new[] { "/sbin/depmod", "/usr/sbin/depmod", "/usr/bin/depmod", "/bin/depmod" }.FirstOrDefault(File.Exists)
            ?? throw new IOException($"{root} holds compressed modules and no modules.dep: install kmod (depmod) or run 'depmod -b' on the tree");
        HostTool.Run(depmod, ["-b", baseDir, kver]);
        if (!File.Exists(Path.Combine(root, "modules.dep")))
            throw new IOException($"depmod -b {baseDir} {kver} wrote no modules.dep");
    }

    /// <summary>Adds a module built outside the kernel package (an out-of-tree driver), indexed from its own
    /// .modinfo as <c>extra/NAME.ko</c> — what depmod would write for it — so that coldplug loads it through
    /// its aliases like any other. Returns its .modinfo; the caller adds its name to the modules wanted.</summary>
    public ModuleInfo AddExtra(string file)
    {
        if (!file.EndsWith(".ko", StringComparison.Ordinal))
            throw new IOException($"{file}: --extra-module takes an uncompressed .ko file");
        var info = ModuleInfo.Read(file) ?? throw new IOException($"{file} is not an ELF64 kernel module");
        if (Index.PathByName.ContainsKey(info.Name) || Index.Builtin.Contains(info.Name))
            throw new IOException($"{file}: the kernel package already has a module {info.Name}");
        var rel = $"extra/{info.Name}.ko";
        _extraFiles[rel] = file;
        Index.PathByName[info.Name] = rel;
        Index.DepsByName[info.Name] = info.Depends.ToList();
        foreach (var a in info.Aliases) Index.Aliases.Add((a, info.Name));
        if (info.SoftDep is not null) Index.ParseSoftdep($"softdep {info.Name} {info.SoftDep}");
        return info;
    }

    /// <summary>The path a module gets inside the initramfs: compressed modules are stored decompressed, so
    /// the kernel needs no module decompression support (and the initramfs' own gzip does the packing).</summary>
    public static string StoredPath(string rel, string suffix = "")
    {
        foreach (var ext in new[] { ".xz", ".zst", ".gz" })
            if (rel.EndsWith(".ko" + ext, StringComparison.Ordinal)) return rel[..^ext.Length] + suffix;
        return rel + suffix;
    }

    /// <summary>The module's bytes, decompressed when stored compressed (xz and zstd through their tools).</summary>
    public byte[] ReadModule(string rel)
    {
        var path = _extraFiles.GetValueOrDefault(rel) ?? Path.Combine(Root, rel);
        if (rel.EndsWith(".ko", StringComparison.Ordinal)) return File.ReadAllBytes(path);
        if (rel.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var gz = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            return ms.ToArray();
        }
        var tool = rel.EndsWith(".xz", StringComparison.Ordinal) ? "xz" : "zstd";
        return HostTool.Run(tool, ["-dc", path], missingHint: $"{rel} is compressed with {tool}: install {tool} to build the initramfs");
    }

    /// <summary>The requested modules plus dependencies and softdeps. Names neither present nor built in are
    /// returned in <paramref name="missing"/>.</summary>
    public SortedSet<string> Closure(IEnumerable<string> wanted, out List<string> missing)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        missing = [];
        var queue = new Queue<string>(wanted);
        while (queue.Count > 0)
        {
            var w = queue.Dequeue();
            var mods = Index.Resolve(w).Where(Index.PathByName.ContainsKey).ToList();   // built-in ones need no file
            if (mods.Count == 0)
            {
                if (!Index.Builtin.Contains(ModuleName.Normalize(w)) && !missing.Contains(w)) missing.Add(w);
                continue;
            }
            foreach (var m in mods)
            {
                if (!set.Add(m)) continue;
                foreach (var d in Index.DepsByName.GetValueOrDefault(m) ?? []) queue.Enqueue(d);
                if (Index.SoftDeps.TryGetValue(m, out var sd)) foreach (var s in sd.Pre.Concat(sd.Post)) queue.Enqueue(s);
            }
        }
        missing.RemoveAll(m => m.StartsWith("crypto-", StringComparison.Ordinal) || m.StartsWith("crypto_", StringComparison.Ordinal));
        return set;
    }

    /// <summary>modules.dep, modules.alias, modules.softdep and modules.builtin for <paramref name="set"/>.</summary>
    public IEnumerable<(string Name, string Text)> IndexFiles(SortedSet<string> set, string suffix = "")
    {
        var dep = new System.Text.StringBuilder();
        foreach (var m in set)
            dep.Append(StoredPath(Index.PathByName[m], suffix)).Append(':')
               .Append(string.Concat((Index.DepsByName.GetValueOrDefault(m) ?? []).Where(set.Contains).Select(d => " " + StoredPath(Index.PathByName[d], suffix)))).Append('\n');
        var alias = new System.Text.StringBuilder();
        foreach (var (p, m) in Index.Aliases.Where(a => set.Contains(a.Module)).OrderBy(a => a.Module, StringComparer.Ordinal).ThenBy(a => a.Pattern, StringComparer.Ordinal))
            alias.Append($"alias {p} {m}\n");
        var soft = new System.Text.StringBuilder();
        foreach (var (m, sd) in Index.SoftDeps.Where(kv => set.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            soft.Append($"softdep {m}").Append(sd.Pre.Count > 0 ? " pre: " + string.Join(' ', sd.Pre) : "")
                .Append(sd.Post.Count > 0 ? " post: " + string.Join(' ', sd.Post) : "").Append('\n');
        var builtin = string.Concat(Index.Builtin.Order(StringComparer.Ordinal).Select(b => $"kernel/{b}.ko\n"));
        return [("modules.dep", dep.ToString()), ("modules.alias", alias.ToString()), ("modules.softdep", soft.ToString()), ("modules.builtin", builtin)];
    }
}
