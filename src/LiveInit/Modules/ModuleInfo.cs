using System.Text;

namespace LiveInit.Modules;

/// <summary>The <c>.modinfo</c> section of an uncompressed ELF64 kernel module: name, depends, alias,
/// softdep. Lets mkinitramfs work from a bare extracted kernel package that has no modules.dep.</summary>
public sealed record ModuleInfo(string Name, IReadOnlyList<string> Depends, IReadOnlyList<string> Aliases, string? SoftDep)
{
    /// <summary>"6.1.0-56-amd64 SMP preempt mod_unload modversions": the kernel release it was built for comes first.</summary>
    public string? VerMagic { get; init; }

    public static ModuleInfo? Read(string path)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (IOException) { return null; }
        return Parse(data, ModuleName.FromPath(path));
    }

    public static ModuleInfo? Parse(ReadOnlySpan<byte> elf, string fallbackName)
    {
        if (elf.Length < 64 || elf[0] != 0x7F || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2) return null;
        var shoff = (long)Probe.Bytes.Le64(elf, 0x28);
        int shentsize = Probe.Bytes.Le16(elf, 0x3A), shnum = Probe.Bytes.Le16(elf, 0x3C), shstrndx = Probe.Bytes.Le16(elf, 0x3E);
        if (shentsize < 64 || shoff <= 0 || shoff + (long)shnum * shentsize > elf.Length || shstrndx >= shnum) return null;
        var strtab = elf.Slice((int)(shoff + shstrndx * shentsize), shentsize);
        long strOff = (long)Probe.Bytes.Le64(strtab, 24), strSize = (long)Probe.Bytes.Le64(strtab, 32);
        if (strOff + strSize > elf.Length) return null;
        var names = elf.Slice((int)strOff, (int)strSize);
        for (var i = 0; i < shnum; i++)
        {
            var sh = elf.Slice((int)(shoff + i * shentsize), shentsize);
            var nameOff = (int)Probe.Bytes.Le32(sh, 0);
            if (nameOff >= names.Length) continue;
            var rest = names[nameOff..];
            var end = rest.IndexOf((byte)0);
            if (end < 0 || !rest[..end].SequenceEqual(".modinfo"u8)) continue;
            long off = (long)Probe.Bytes.Le64(sh, 24), size = (long)Probe.Bytes.Le64(sh, 32);
            if (off + size > elf.Length) return null;
            return FromStrings(Encoding.UTF8.GetString(elf.Slice((int)off, (int)size)), fallbackName);
        }
        return new ModuleInfo(fallbackName, [], [], null);
    }

    private static ModuleInfo FromStrings(string text, string fallbackName)
    {
        string name = fallbackName;
        var deps = new List<string>();
        var aliases = new List<string>();
        string? softdep = null, vermagic = null;
        foreach (var kv in text.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = kv.IndexOf('=');
            if (eq <= 0) continue;
            var (k, v) = (kv[..eq], kv[(eq + 1)..]);
            switch (k)
            {
                case "name": name = ModuleName.Normalize(v); break;
                case "depends": deps.AddRange(v.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ModuleName.Normalize)); break;
                case "alias": aliases.Add(v); break;
                case "softdep": softdep = softdep is null ? v : softdep + " " + v; break;
                case "vermagic": vermagic = v; break;
            }
        }
        return new ModuleInfo(name, deps, aliases, softdep) { VerMagic = vermagic };
    }
}
