namespace LiveInit.Tools.Common;

/// <summary>Messages of the live-system tools: steps on standard output, warnings and errors on standard error,
/// each prefixed with the command (<c>liveinit srm pack: ...</c>). Verbose details only when asked for.</summary>
public sealed class Say(string command, bool verbose = false)
{
    public string Command { get; } = command;
    public bool Verbose { get; } = verbose;

    public void Step(string text) => Console.Out.WriteLine($"{Command}: {text}");
    public void Detail(string text) { if (Verbose) Console.Out.WriteLine($"{Command}:   {text}"); }
    public void Warn(string text) => Console.Error.WriteLine($"{Command}: warning: {text}");

    public static string Count(long n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1024 * 1024 => $"{bytes / 1024.0:F1} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / 1048576.0:F1} MiB",
        _ => $"{bytes / 1073741824.0:F2} GiB",
    };
}
