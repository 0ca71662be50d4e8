using System.Text;

namespace LiveInit.Verify;

/// <summary>
/// The keys and policy baked into the initramfs by <c>liveinit mkinitramfs --trust-key FILE [--allow-unsigned]</c>:
/// <c>/etc/liveinit/trusted-keys/*.pem</c> and <c>/etc/liveinit/verify.conf</c> (<c>unsigned=refuse|allow</c>).
/// When the folder exists the boot verifies; everything that goes wrong reading it fails closed: a key that
/// cannot be read verifies nothing, a bad or unreadable verify.conf refuses unsigned files.
/// </summary>
public sealed record TrustStore(bool Present, IReadOnlyList<TrustedKey> Keys, bool AllowUnsigned, string Source,
    IReadOnlyList<string> Problems)
{
    public const string DefaultDirectory = "/etc/liveinit/trusted-keys", DefaultConfig = "/etc/liveinit/verify.conf";
    public const int MaxKeys = 64, MaxConfig = 4096;

    public static TrustStore Absent { get; } = new(false, [], false, "none", []);

    /// <summary>verify.conf's text for the policy (what mkinitramfs writes).</summary>
    public static string RenderConfig(bool allowUnsigned) =>
        "# written by liveinit mkinitramfs; the kernel command line can make this stricter, never weaker\n"
        + $"unsigned={(allowUnsigned ? "allow" : "refuse")}\n";

    public static TrustStore Load(string directory = DefaultDirectory, string config = DefaultConfig)
    {
        if (!Directory.Exists(directory)) return Absent;
        var problems = new List<string>();
        var keys = new List<TrustedKey>();
        string[] files;
        try { files = Directory.GetFiles(directory, "*.pem"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            files = [];
            problems.Add($"{directory} cannot be listed ({e.Message}): no key is trusted, every signed file is refused");
        }
        Array.Sort(files, StringComparer.Ordinal);
        if (files.Length > MaxKeys)
        {
            problems.Add($"{directory} holds {files.Length} keys; only the first {MaxKeys} are used");
            files = files[..MaxKeys];
        }
        foreach (var f in files)
        {
            var name = Path.GetFileName(f);
            try
            {
                var bytes = ReadBounded(f, KeyFile.MaxBytes);
                keys.Add(new TrustedKey(name, KeyFile.Parse(bytes)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                problems.Add($"trusted key {f} is unusable ({e.Message}); it verifies nothing");
            }
        }
        if (files.Length == 0 && problems.Count == 0)
            problems.Add($"{directory} holds no *.pem key: every signed file is refused");
        var (allow, source) = Policy(config, problems);
        return new TrustStore(true, keys, allow, source, problems);
    }

    /// <summary>Parses verify.conf's text; null when it is not valid (pure).</summary>
    public static bool? ParseConfig(string text)
    {
        bool? allow = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            allow = line switch { "unsigned=allow" => true, "unsigned=refuse" => false, _ => null };
            if (allow is null) return null;
        }
        return allow;
    }

    private static (bool Allow, string Source) Policy(string config, List<string> problems)
    {
        if (!File.Exists(config)) return (false, "initramfs trusted keys, no verify.conf");
        try
        {
            var text = Encoding.UTF8.GetString(ReadBounded(config, MaxConfig));
            if (ParseConfig(text) is { } allow)
                return (allow, $"initramfs {config}: unsigned={(allow ? "allow" : "refuse")}");
            problems.Add($"{config} is not 'unsigned=allow' or 'unsigned=refuse': unsigned files are refused");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            problems.Add($"{config} cannot be read ({e.Message}): unsigned files are refused");
        }
        return (false, $"initramfs {config} unusable, fail closed");
    }

    private static byte[] ReadBounded(string path, int max)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        var buf = new byte[max + 1];
        var n = 0;
        while (n < buf.Length && f.Read(buf, n, buf.Length - n) is var r and > 0) n += r;
        if (n > max) throw new FormatException($"larger than {max} bytes");
        return buf[..n];
    }
}
