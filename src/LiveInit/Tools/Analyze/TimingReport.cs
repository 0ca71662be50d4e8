using System.Globalization;
using System.Text;
using System.Text.Json;
using LiveInit.Boot;

namespace LiveInit.Tools.Analyze;

/// <summary>The boot's timings read back from <c>/run/liveinit/timings.json</c> (see <see cref="BootTimings"/>)
/// and printed like <c>systemd-analyze</c>: a "Startup finished in" line, then the steps slowest first (blame)
/// or in the order they ran (time).</summary>
public sealed record TimingReport(double? KernelS, IReadOnlyList<StepTiming> Steps)
{
    public const int MaxBytes = 1 << 20;
    public const int MaxSteps = 1000;

    /// <summary>Parses the document; a <see cref="FormatException"/> names what is wrong with it.</summary>
    public static TimingReport Parse(string json)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException e) { throw new FormatException($"not JSON ({e.Message})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("not a JSON object");
            if (!root.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number
                || v.GetInt32() != BootTimings.FormatVersion)
                throw new FormatException($"\"version\" is not {BootTimings.FormatVersion}");
            double? kernel = root.TryGetProperty("kernel_s", out var k) && k.ValueKind == JsonValueKind.Number
                ? k.GetDouble() : null;
            if (!root.TryGetProperty("steps", out var steps) || steps.ValueKind != JsonValueKind.Array)
                throw new FormatException("no \"steps\" array");
            var list = new List<StepTiming>();
            foreach (var s in steps.EnumerateArray())
            {
                if (list.Count == MaxSteps) throw new FormatException($"more than {MaxSteps} steps");
                if (s.ValueKind != JsonValueKind.Object) throw new FormatException($"step {list.Count + 1} is not an object");
                list.Add(new StepTiming(Text(s, "name", list.Count), Text(s, "description", list.Count),
                    Number(s, "start_s", list.Count), Number(s, "duration_s", list.Count)));
            }
            return new TimingReport(kernel, list);
        }
    }

    private static string Text(JsonElement step, string key, int i) =>
        step.TryGetProperty(key, out var e) && e.ValueKind == JsonValueKind.String
            ? e.GetString()! : throw new FormatException($"step {i + 1} has no \"{key}\" string");

    private static double Number(JsonElement step, string key, int i) =>
        step.TryGetProperty(key, out var e) && e.ValueKind == JsonValueKind.Number && e.GetDouble() is var d
        && double.IsFinite(d) && d >= 0 ? d : throw new FormatException($"step {i + 1} has no \"{key}\" number >= 0");

    /// <summary>When the last step ended: the real init's start, on the kernel's clock.</summary>
    public double EndS => Steps.Count == 0 ? KernelS ?? 0 : Steps.Max(s => s.StartS + s.DurationS);

    /// <summary>"Startup finished in 1.234s (kernel) + 0.567s (initramfs) = 1.801s".</summary>
    public string Summary()
    {
        if (KernelS is not { } k) return $"Startup finished in {S(EndS)} (the kernel's share is unknown)";
        return $"Startup finished in {S(k)} (kernel) + {S(EndS - k)} (initramfs: liveinit) = {S(EndS)}";
    }

    /// <summary>Slowest first, like <c>systemd-analyze blame</c>: "   412ms find-medium  (at 1.301s) …".</summary>
    public string Blame() => Table(Steps.OrderByDescending(s => s.DurationS).ThenBy(s => s.StartS));

    /// <summary>In the order the steps ran.</summary>
    public string Time() => Table(Steps.OrderBy(s => s.StartS));

    private string Table(IEnumerable<StepTiming> rows)
    {
        var sb = new StringBuilder();
        sb.Append(Summary()).Append('\n');
        var width = Steps.Count == 0 ? 0 : Steps.Max(s => s.Name.Length);
        foreach (var s in rows)
            sb.Append(CultureInfo.InvariantCulture, $"{Ms(s.DurationS),9} {s.Name.PadRight(width)}  at {S(s.StartS)}  {s.Description}\n");
        return sb.ToString();
    }

    /// <summary>"412ms", or "1.234s" from a second on (as systemd-analyze).</summary>
    public static string Ms(double s) => s >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{s:0.000}s")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Round(s * 1000)}ms");

    private static string S(double s) => string.Create(CultureInfo.InvariantCulture, $"{s:0.000}s");
}
