using System.Text;
using System.Text.Json;
using LiveInit.Devices;
using LiveInit.Probe;

namespace LiveInit.Cli;

/// <summary><c>liveinit probe</c>: blkid -p for block devices and image files.</summary>
public static class ProbeCommand
{
    public static int Run(string[] args)
    {
        var o = Options.Parse(args, ["format"]);
        var format = o.Get("format") ?? "export";
        if (format is not ("export" or "json")) throw new UsageException($"--format must be export or json, not '{format}'");
        var results = new List<(string Name, ProbeResult Result)>();
        var failed = false;
        if (o.Positionals.Count == 0)
        {
            foreach (var dev in SysfsBlock.Enumerate())
            {
                SysfsBlock.EnsureNode(dev);
                var p = ProbedDevice.Of(dev);
                if (!p.Probe.IsEmpty) results.Add((dev.DevPath, p.Probe));
            }
        }
        else
        {
            foreach (var path in o.Positionals)
            {
                try
                {
                    using var src = new FileProbeSource(path);
                    results.Add((path, Prober.Probe(src)));
                }
                catch (IOException e)
                {
                    Console.Error.WriteLine($"liveinit probe: {e.Message}");
                    failed = true;
                }
            }
        }
        using var stdout = Console.OpenStandardOutput();
        var bytes = format == "json" ? Json(results) : Export(results);
        stdout.Write(bytes);
        return failed ? 1 : results.Any(r => !r.Result.IsEmpty) ? 0 : 2;
    }

    /// <summary>blkid -o export: KEY=value lines, shell metacharacters escaped, a blank line between devices.</summary>
    public static byte[] Export(IReadOnlyList<(string Name, ProbeResult Result)> results)
    {
        var ms = new MemoryStream();
        var first = true;
        foreach (var (name, r) in results)
        {
            if (r.IsEmpty) continue;
            if (!first) ms.WriteByte((byte)'\n');
            first = false;
            Line(ms, "DEVNAME", Encoding.UTF8.GetBytes(name));
            foreach (var kv in r.Values) Line(ms, kv.Key, kv.Value);
        }
        return ms.ToArray();
    }

    private static void Line(MemoryStream ms, string key, byte[] value)
    {
        ms.Write(Encoding.ASCII.GetBytes(key + "="));
        foreach (var b in value)
        {
            if (" \\\"'$`<>".Contains((char)b)) ms.WriteByte((byte)'\\');
            ms.WriteByte(b);
        }
        ms.WriteByte((byte)'\n');
    }

    /// <summary>An array of objects with blkid's upper-case keys and the raw UTF-8 values.</summary>
    public static byte[] Json(IReadOnlyList<(string Name, ProbeResult Result)> results)
    {
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartArray();
            foreach (var (name, r) in results)
            {
                w.WriteStartObject();
                w.WriteString("DEVNAME", name);
                foreach (var kv in r.Values) w.WriteString(kv.Key, Encoding.UTF8.GetString(kv.Value));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }
}
