using LiveInit.Initramfs;
using LiveInit.Plan;
using LiveInit.Verify;

namespace LiveInit.Cli;

/// <summary><c>liveinit mkinitramfs</c>: a reproducible newc initramfs (zstd unless told) with liveinit as /init.</summary>
public static class MkinitramfsCommand
{
    public static int Run(string[] args)
    {
        var o = Options.Parse(args,
            ["modules-root", "kernel-release", "output", "busybox", "module", "agent", "compress-modules", "emergency",
             "extra-module", "trust-key", "ca-cert", "compress"],
            ["no-busybox", "allow-unsigned", "net", "tls", "autooverlay", "overlay-crypt", "no-shell", "agent-early"]);
        var trust = TrustedKeys(o.GetAll("trust-key"));
        if (o.Has("allow-unsigned") && trust.Count == 0)
            throw new UsageException("--allow-unsigned needs at least one --trust-key");
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
        var net = o.Has("net") || o.Has("tls");
        var caBundle = o.Has("tls") ? CaBundle(o.GetAll("ca-cert")) : null;
        if (caBundle is null && o.GetAll("ca-cert").Count > 0) throw new UsageException("--ca-cert needs --tls");
        var wanted = InitramfsBuilder.DefaultModules.Concat(o.GetAll("module")).ToList();
        if (net) wanted.AddRange(InitramfsBuilder.NetModules);
        if (net) wanted.Add("nbd");   // archiso_nbd_srv=, root=live:nbd://
        if (net) wanted.Add("nfsv4");   // archiso_nfs_srv= (nfs, sunrpc, ... come as its dependencies)
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
        var hostFiles = new List<(string ImagePath, string HostPath)>();
        void AddHost(IEnumerable<(string ImagePath, string HostPath)> files) =>
            hostFiles.AddRange(files.Where(f => hostFiles.All(h => h.ImagePath != f.ImagePath)));
        if (o.Has("autooverlay") || o.Has("overlay-crypt"))
        {
            // dracut's autooverlay formats the partition it makes, rd.overlay.crypt the LUKS volume it makes: mke2fs
            // and its libraries from this host
            var mke2fs = HostProgram("mke2fs", "e2fsprogs", o.Has("autooverlay") ? "--autooverlay" : "--overlay-crypt");
            AddHost(HostBinary.WithLibraries(mke2fs, Plan.AutoOverlayPlan.DefaultMkfs.TrimStart('/')));
        }
        if (o.Has("overlay-crypt"))
        {
            // rd.overlay.crypt: the real cryptsetup (Debian's cryptsetup-bin), device-mapper and dm-crypt with the
            // generic ciphers of aes-xts-plain64
            var cryptsetup = HostProgram("cryptsetup", "cryptsetup-bin", "--overlay-crypt");
            AddHost(HostBinary.WithLibraries(cryptsetup, OverlayCryptPlan.DefaultCryptsetup.TrimStart('/')));
            wanted.AddRange(OverlayCryptPlan.Modules);
        }
        var tmp = output + ".tmp";
        InitramfsBuilder.Result result;
        using (var f = File.Create(tmp))
            result = InitramfsBuilder.Build(agent, set, kver, wanted, busybox, f, compress, emergency, net,
                new InitramfsBuilder.Trust(trust, o.Has("allow-unsigned")), caBundle, hostFiles, archive,
                o.Has("agent-early"));
        File.Move(tmp, output, overwrite: true);
        foreach (var m in result.Missing.Where(m => !net || !InitramfsBuilder.NetModules.Contains(m)))
            Console.Error.WriteLine($"liveinit mkinitramfs: note: module {m} is neither in {root} nor built in; skipped");
        var policy = emergency is { } a
            ? $"; emergency policy {FailureActions.Name(a)} ({InitramfsDefaults.DefaultPath})"
            : "";
        foreach (var (name, key) in trust)
            Console.Out.WriteLine($"trusted key {name}: {key.Kind}, SHA-256 {key.Fingerprint} "
                                  + $"({TrustStore.DefaultDirectory}/{name})");
        Console.Out.WriteLine($"{output}: {result.Bytes} bytes ({result.Bytes / 1024.0 / 1024.0:F2} MiB {archive}"
                              + $"{(o.Has("agent-early") ? ", agent uncompressed" : "")}), "
                              + $"{result.Files} entries, {result.Modules} modules for {kver}{policy}"
                              + (net ? "; network boot (NIC drivers)" : "")
                              + (o.Has("overlay-crypt") ? "; encrypted overlay (cryptsetup, dm-crypt)" : ""));
        return 0;
    }

    /// <summary>Each --trust-key file parsed (a private key, a certificate or an unknown algorithm is a usage
    /// error that says what to give), named by its file name with .pem, made unique.</summary>
    private static List<(string Name, PublicKey Key)> TrustedKeys(IReadOnlyList<string> files)
    {
        var list = new List<(string, PublicKey)>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!File.Exists(file)) throw new UsageException($"--trust-key: {file} does not exist");
            if (new FileInfo(file).Length > KeyFile.MaxBytes)
                throw new UsageException($"--trust-key: {file} is larger than {KeyFile.MaxBytes} bytes: not a public key");
            PublicKey key;
            try { key = KeyFile.Parse(File.ReadAllBytes(file)); }
            catch (FormatException e) { throw new UsageException($"--trust-key: {file}: {e.Message}"); }
            var stem = LiveInit.Text.Chars.Map(Path.GetFileNameWithoutExtension(file),
                c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
            if (stem.Length == 0 || stem[0] == '.') stem = "key" + stem;
            var name = stem + ".pem";
            for (var n = 2; !taken.Add(name); n++) name = $"{stem}-{n}.pem";
            list.Add((name, key));
        }
        return list;
    }

    /// <summary>--tls: the build host's CA certificates (Debian's bundle) and every --ca-cert, for the TLS agent.
    /// </summary>
    private static byte[] CaBundle(IReadOnlyList<string> extra)
    {
        const string host = "/etc/ssl/certs/ca-certificates.crt";
        var text = new System.Text.StringBuilder();
        if (File.Exists(host)) text.Append(File.ReadAllText(host));
        else Console.Error.WriteLine($"liveinit mkinitramfs: warning: {host} is missing (install ca-certificates); "
                                     + "only the --ca-cert files are trusted");
        foreach (var f in extra)
        {
            if (!File.Exists(f)) throw new UsageException($"--ca-cert: {f} does not exist");
            var pem = File.ReadAllText(f);
            if (!pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
                throw new UsageException($"--ca-cert: {f} holds no PEM certificate");
            text.Append('\n').Append(pem);
        }
        if (text.Length == 0) throw new UsageException("--tls: no CA certificate to trust (give --ca-cert FILE)");
        return System.Text.Encoding.ASCII.GetBytes(text.ToString());
    }

    private static string HostProgram(string name, string package, string option) =>
        new[] { $"/usr/sbin/{name}", $"/sbin/{name}" }.FirstOrDefault(File.Exists) ?? FindOnPath(name)
        ?? throw new UsageException($"{option} needs {name} on this host (install {package})");

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
