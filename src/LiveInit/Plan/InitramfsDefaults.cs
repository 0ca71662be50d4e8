namespace LiveInit.Plan;

/// <summary>
/// What the initramfs itself was built to do, from <c>/etc/liveinit/initramfs.conf</c> (written by
/// <c>liveinit mkinitramfs --emergency shell|reboot|poweroff</c>): lines <c>key=value</c>, <c>#</c> comments.
/// Today one key, <c>emergency</c>: the image's emergency policy, which the command line can make more
/// restrictive but never less. A file that exists but cannot be read or holds a bad value fails closed
/// (poweroff): its author meant to restrict something.
/// </summary>
public sealed record InitramfsDefaults(FailureAction Emergency, string Source, IReadOnlyList<string> Problems)
{
    public const string DefaultPath = "/etc/liveinit/initramfs.conf";
    private const int MaxBytes = 4096;

    /// <summary>No file: the built-in default, an emergency shell.</summary>
    public static InitramfsDefaults None { get; } = new(FailureAction.Shell, "default", []);

    /// <summary>The file's text for <paramref name="emergency"/> (what mkinitramfs writes).</summary>
    public static string Render(FailureAction emergency) =>
        "# written by liveinit mkinitramfs; the kernel command line can make this stricter, never weaker\n"
        + $"emergency={FailureActions.Name(emergency)}\n";

    /// <summary>Parses the file's text (pure).</summary>
    public static InitramfsDefaults Parse(string text, string path = DefaultPath)
    {
        var problems = new List<string>();
        var result = None;
        if (text.Length > MaxBytes) return Closed(path, $"{path} is larger than {MaxBytes} bytes");
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var eq = line.IndexOf('=');
            var key = eq < 0 ? line : line[..eq].Trim();
            var value = eq < 0 ? "" : line[(eq + 1)..].Trim();
            if (key != "emergency") { problems.Add($"{path}: unknown key '{key}' ignored"); continue; }
            if (FailureActions.TryParse(value, out var action))
                result = new(action, $"initramfs {path}: emergency={value}", []);
            else
                return Closed(path, $"{path}: emergency='{value}' is not one of shell, reboot, poweroff");
        }
        return result with { Problems = problems };
    }

    /// <summary>Reads <paramref name="path"/> (at most 4 KiB); a missing file is <see cref="None"/>.</summary>
    public static InitramfsDefaults Load(string path = DefaultPath)
    {
        try
        {
            if (!File.Exists(path)) return None;
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            var buf = new byte[MaxBytes + 1];
            var n = 0;
            while (n < buf.Length && f.Read(buf, n, buf.Length - n) is var r and > 0) n += r;
            return Parse(System.Text.Encoding.UTF8.GetString(buf, 0, n), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Closed(path, $"{path} cannot be read ({e.Message})");
        }
    }

    private static InitramfsDefaults Closed(string path, string problem) =>
        new(FailureAction.Poweroff, $"initramfs {path} unreadable, fail closed",
            [problem + "; no emergency shell (fail closed)"]);
}
