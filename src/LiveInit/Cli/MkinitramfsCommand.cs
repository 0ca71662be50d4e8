using LiveInit.Initramfs;
using LiveInit.Plan;

namespace LiveInit.Cli;

/// <summary><c>liveinit mkinitramfs</c>: a reproducible newc initramfs (zstd unless told) with liveinit as /init.</summary>
public static class MkinitramfsCommand
{
    public static int Run(string[] args)
    {
        var o = Options.Parse(args,
            ["modules-root", "kernel-release", "output", "busybox", "module", "agent", "compress-modules", "emergency",
             "extra-module", "compress"],
            ["no-busybox", "no-shell", "agent-early"]);
        var archive = o.Get("compress")
            ?? ArchiveCompression.DefaultOnThisHost(n => Console.Error.WriteLine($"liveinit mkinitramfs: note: {n}"));
        if (!ArchiveCompression.Names.Contains(archive))
            throw new UsageException($"--compress takes {string.Join(", ", ArchiveCompression.Names)}, not '{archive}'");
        var compress = o.Get("compress-modules");
        if (compress is not (null or "xz")) throw new UsageException($"--compress-modules takes xz, not '{compress}'");
        FailureAction? emergency = null;
        if (o.Get("emergency") is { } e)
        {
            if (e == "halt" || !FailureActions.TryParse(e, out var action))
                throw new UsageException($"--emergency takes shell, reboot or poweroff, not '{e}'");
            emergency = action;
        }
        var root = o.Get("modules-root") ?? throw new UsageException("--modules-root DIR is required");
        var output = o.Get("output") ?? throw new UsageException("--output FILE is required");
        var kver = o.Get("kernel-release");
        if (kver is not null && Directory.Exists(Path.Combine(root, kver))) root = Path.Combine(root, kver);
        else if (kver is null)
        {
            if (!Directory.Exists(Path.Combine(root, "kernel")))
            {
                var sub = Directory.Exists(root) ? Directory.GetDirectories(root).Where(d => Directory.Exists(Path.Combine(d, "kernel"))).ToList() : [];
                if (sub.Count != 1) throw new UsageException($"{root} is not a lib/modules/KVER folder; give --kernel-release");
                root = sub[0];
            }
            kver = Path.GetFileName(Path.GetFullPath(root).TrimEnd('/'));
        }
        if (!Directory.Exists(root)) throw new UsageException($"modules folder {root} does not exist");
        var agent = o.Get("agent") ?? Environment.ProcessPath ?? throw new UsageException("--agent PATH is required");
        string? busybox = null;
        // no shell: asked for, or an image whose failures reboot or power off (the command line cannot bring one back)
        var noShell = o.Has("no-busybox") || o.Has("no-shell") || emergency is FailureAction.Reboot or FailureAction.Poweroff;
        if (!noShell)
        {
            busybox = o.Get("busybox") ?? FindOnPath("busybox");
            if (busybox is null && emergency is null or FailureAction.Shell)
                Console.Error.WriteLine("liveinit mkinitramfs: warning: no busybox found (install busybox-static or "
                                        + "give --busybox); the emergency shell will be missing");
        }
        var wanted = InitramfsBuilder.DefaultModules.Concat(o.GetAll("module")).ToList();
        var set = ModuleSet.Load(root);
        foreach (var extra in o.GetAll("extra-module"))
        {
            var info = set.AddExtra(extra);
            wanted.Add(info.Name);
            var builtFor = info.VerMagic?.Split(' ')[0];
            if (builtFor != kver)
                Console.Error.WriteLine($"liveinit mkinitramfs: warning: {extra} was built for "
                                        + $"{builtFor ?? "an unknown kernel"}, not {kver}: the kernel will refuse to load it");
        }
        var tmp = output + ".tmp";
        InitramfsBuilder.Result result;
        using (var f = File.Create(tmp))
            result = InitramfsBuilder.Build(agent, set, kver, wanted, busybox, f, compress, emergency, archive,
                o.Has("agent-early"));
        File.Move(tmp, output, overwrite: true);
        foreach (var m in result.Missing)
            Console.Error.WriteLine($"liveinit mkinitramfs: note: module {m} is neither in {root} nor built in; skipped");
        var policy = emergency is { } a
            ? $"; emergency policy {FailureActions.Name(a)} ({InitramfsDefaults.DefaultPath})"
            : "";
        Console.Out.WriteLine($"{output}: {result.Bytes} bytes ({result.Bytes / 1024.0 / 1024.0:F2} MiB {archive}{(o.Has("agent-early") ? ", agent uncompressed" : "")}), "
                              + $"{result.Files} entries, {result.Modules} modules for {kver}{policy}");
        return 0;
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            var p = Path.Combine(dir, name);
            if (File.Exists(p)) return p;
        }
        return null;
    }
}
