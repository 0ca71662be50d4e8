using System.Text;
using LiveInit.Native;

namespace LiveInit.Boot;

/// <summary>Every step logs here: to /dev/kmsg as <c>&lt;N&gt;liveinit: …</c> (kept under the kmsg line
/// limit) and as a readable line on the console. The console shows a line when its level is below the
/// threshold: <c>loglevel=N</c> sets it as for the kernel; else <c>quiet</c> keeps notices, warnings and
/// errors (6), the default adds informational lines (7) and <c>liveinit.debug</c> debug lines (8).
/// Nothing here throws: PID 1 logs from its error paths, and a log that fails must not take it down. The
/// descriptors are close-on-exec (<see cref="Libc.TryOpen"/>), so they stay open until execve of the real init
/// succeeds and vanish with it; a failed execve can still be reported.</summary>
public sealed class BootLog : IDisposable
{
    private const int KmsgLineMax = 900;
    private readonly string _kmsgPath, _consolePath;
    private SafeFd? _kmsg;
    private SafeFd? _console;
    private int _kernelConsoleLevel = -1;
    public bool Quiet { get; set; }
    public bool Debug { get; set; }
    public int? LogLevel { get; set; }

    public BootLog() : this("/dev/kmsg", "/dev/console") { }

    /// <summary>A log whose outputs are other files (tests: never this machine's own kernel log).</summary>
    internal BootLog(string kmsgPath, string consolePath) => (_kmsgPath, _consolePath) = (kmsgPath, consolePath);

    private int ConsoleThreshold => Debug ? 8 : LogLevel ?? (Quiet ? 6 : 7);

    /// <summary>Opens /dev/kmsg and /dev/console when they exist (before that, and outside an initramfs,
    /// lines go to standard error). <paramref name="unlimitKmsg"/> (the boot command: as /init or as a hook in
    /// another initramfs) turns off the kernel's rate limit on /dev/kmsg writers, which would drop our lines.</summary>
    public void Open(bool unlimitKmsg = false)
    {
        if (_kmsg is null && unlimitKmsg)
        {
            // our lines must not be rate-limited away (the default lets 10 through per 5 s)
            try { File.WriteAllText("/proc/sys/kernel/printk_devkmsg", "on\n"); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        try
        {
            if (_kmsg is null || _kmsg.IsClosed) _kmsg = Libc.TryOpen(_kmsgPath, Libc.O_WRONLY | Libc.O_NOCTTY, out _);
            if (_console is null || _console.IsClosed)
                _console = Libc.TryOpen(_consolePath, Libc.O_WRONLY | Libc.O_NOCTTY | Libc.O_NONBLOCK, out _);
        }
        catch (Exception) { }   // a log that cannot open falls back to standard error
        try { _kernelConsoleLevel = int.Parse(File.ReadAllText("/proc/sys/kernel/printk").Split('\t', ' ')[0]); }
        catch (Exception) { _kernelConsoleLevel = -1; }
    }

    public void Info(string msg) => Write(6, msg);
    public void Notice(string msg) => Write(5, msg);
    public void Warn(string msg) => Write(4, "warning: " + msg);
    public void Error(string msg) => Write(3, "error: " + msg);
    public void Trace(string msg) { if (Debug) Write(7, msg); }
    /// <summary>Detail for the kernel log only (console too with liveinit.debug).</summary>
    public void Detail(string msg) => Write(7, msg);

    /// <summary>Text for the console only (reports, plans), line by line.</summary>
    public void Console(string text)
    {
        try
        {
            var bytes = Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n"));
            if (_console is { IsClosed: false } c) Libc.TryWrite(c, bytes);
            else System.Console.Error.Write(text);
        }
        catch (Exception) { }   // nowhere left to say it
    }

    private void Write(int level, string msg)
    {
        try { WriteLines(level, msg); }
        catch (Exception) { }   // nowhere left to say it
    }

    private void WriteLines(int level, string msg)
    {
        if (_kmsg is { IsClosed: true }) _kmsg = null;
        if (_console is { IsClosed: true }) _console = null;
        var console = level < ConsoleThreshold;
        foreach (var line in msg.Split('\n'))
        {
            if (_kmsg is not null)
                for (var i = 0; i < Math.Max(1, line.Length); i += KmsgLineMax)
                    Libc.TryWrite(_kmsg, Encoding.UTF8.GetBytes($"<{level}>liveinit: {line.Substring(i, Math.Min(KmsgLineMax, line.Length - i))}\n"));
            // the kernel already echoes kmsg lines below its console loglevel: do not print them twice
            if (!console || (_kmsg is not null && level < _kernelConsoleLevel)) continue;
            if (_console is not null) Libc.TryWrite(_console, Encoding.UTF8.GetBytes($"liveinit: {line}\r\n"));
            else if (_kmsg is null) System.Console.Error.WriteLine($"liveinit: {line}");
        }
    }

    /// <summary>Closes the outputs; later lines go to standard error until <see cref="Open"/> runs again.</summary>
    public void Dispose()
    {
        _kmsg?.Dispose();
        _console?.Dispose();
        _kmsg = _console = null;
    }
}
