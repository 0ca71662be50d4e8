using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LiveInit.Boot;

/// <summary>One timed part of the boot: its short name, what it did, when it started (seconds since the kernel
/// started, the clock of /proc/uptime) and how long it took.</summary>
public sealed record StepTiming(string Name, string Description, double StartS, double DurationS);

/// <summary>
/// Where the boot's time goes: the kernel's time to <c>/init</c> (from /proc/uptime once /proc is mounted,
/// minus what this process had already spent), then every step's start and duration. Each step is logged to
/// kmsg as it ends and the whole list is rewritten to <c>/run/liveinit/timings.json</c>, which moves with /run
/// into the real system, where <c>liveinit analyze</c> prints it like <c>systemd-analyze blame</c>.
/// </summary>
public sealed class BootTimings
{
    public const string DefaultPath = "/run/liveinit/timings.json";
    public const int FormatVersion = 1;

    /// <summary>When Main started (a Stopwatch timestamp, CLOCK_MONOTONIC); set first thing by the boot.</summary>
    private static long s_processStart = Stopwatch.GetTimestamp();

    private readonly List<StepTiming> _steps = [];
    private readonly long _origin;      // Stopwatch timestamp of uptime 0 (the kernel's start)
    private long _openStart;
    private string? _openName, _openDescription;

    /// <summary>The kernel's time up to this process's Main, in seconds (NaN when /proc/uptime was unreadable).</summary>
    public double KernelS { get; }
    public IReadOnlyList<StepTiming> Steps => _steps;

    /// <summary>Marks the start of Main (the first line of the boot, before any static initialisation).</summary>
    public static void MarkProcessStart() => s_processStart = Stopwatch.GetTimestamp();

    /// <summary>Reads /proc/uptime now (after /proc is mounted) to place the process start on the kernel's clock.</summary>
    public static BootTimings Start(string uptimePath = "/proc/uptime")
    {
        var now = Stopwatch.GetTimestamp();
        double? uptime = null;
        try { uptime = ParseUptime(File.ReadAllText(uptimePath)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        var sinceStart = Seconds(now - s_processStart);
        return uptime is { } u
            ? new BootTimings(u - sinceStart, now - (long)(u * Stopwatch.Frequency))
            : new BootTimings(double.NaN, s_processStart);
    }

    private BootTimings(double kernelS, long origin) => (KernelS, _origin) = (kernelS, origin);

    /// <summary>The first number of /proc/uptime (seconds since boot); null when it is not one.</summary>
    public static double? ParseUptime(string text)
    {
        var first = text.Split([' ', '\n', '\t'], 2)[0];
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
               && v >= 0 && double.IsFinite(v) ? v : null;
    }

    private static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    /// <summary>Seconds since the kernel started, on this timing's clock.</summary>
    public double Now() => Seconds(Stopwatch.GetTimestamp() - _origin);

    /// <summary>The time from Main to now as a step of its own ("start": mounts, log, plan).</summary>
    public StepTiming Record(string name, string description, double startS)
    {
        var t = new StepTiming(name, description, startS, Math.Max(0, Now() - startS));
        _steps.Add(t);
        return t;
    }

    /// <summary>Seconds since the kernel started at which Main ran.</summary>
    public double ProcessStartS => Seconds(s_processStart - _origin);

    public void Begin(string name, string description)
    {
        (_openName, _openDescription, _openStart) = (name, description, Stopwatch.GetTimestamp());
    }

    /// <summary>Ends the step begun last; null when none is open.</summary>
    public StepTiming? End()
    {
        if (_openName is null) return null;
        var t = new StepTiming(_openName, _openDescription ?? "", Seconds(_openStart - _origin),
            Seconds(Stopwatch.GetTimestamp() - _openStart));
        _steps.Add(t);
        _openName = null;
        return t;
    }

    /// <summary>The kmsg line for a step: "timing: find-medium started at 1.234 s, took 56 ms".</summary>
    public static string LogLine(StepTiming t) =>
        string.Create(CultureInfo.InvariantCulture, $"timing: {t.Name} started at {t.StartS:0.000} s, took {Ms(t.DurationS)} ms");

    private static long Ms(double s) => (long)Math.Round(s * 1000);

    /// <summary>Writes the JSON document (to a temporary file renamed over <paramref name="path"/>); false when
    /// that failed (the boot goes on without it).</summary>
    public bool TrySave(string path = DefaultPath)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var tmp = path + ".new";
            File.WriteAllText(tmp, ToJson());
            File.Move(tmp, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    public string ToJson() => ToJson(KernelS, _steps);

    /// <summary>{"version":1,"kernel_s":1.234,"steps":[{"name":…,"description":…,"start_s":…,"duration_s":…}]}</summary>
    public static string ToJson(double kernelS, IEnumerable<StepTiming> steps)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", FormatVersion);
            if (double.IsFinite(kernelS)) w.WriteNumber("kernel_s", Round(kernelS));
            else w.WriteNull("kernel_s");
            w.WriteStartArray("steps");
            foreach (var s in steps)
            {
                w.WriteStartObject();
                w.WriteString("name", s.Name);
                w.WriteString("description", s.Description);
                w.WriteNumber("start_s", Round(s.StartS));
                w.WriteNumber("duration_s", Round(s.DurationS));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static double Round(double s) => Math.Round(s, 6);

    /// <summary>The short name of a step for the table: its class name in kebab case (FindMedium → find-medium).</summary>
    public static string NameOf(BootStep step) => StepNames.Of(step);

    public static string Kebab(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0) sb.Append('-');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
