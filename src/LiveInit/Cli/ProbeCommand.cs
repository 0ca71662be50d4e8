using System.Text;
using System.Text.Json;
using LiveInit.Devices;
using LiveInit.Native;
using LiveInit.Probe;
using LiveInit.Probe.PartitionTables;
using LiveInit.Text;

namespace LiveInit.Cli;

/// <summary><c>liveinit probe</c>: blkid -p for block devices and image files; a partition also gets its entry in
/// its disk's table (PARTUUID, PARTLABEL, PART_ENTRY_*), see <see cref="PartitionKeys"/>.</summary>
public static class ProbeCommand
{
    public static int Run(string[] args)
    {
        var o = Options.Parse(args, ["format"]);
        var format = o.Get("format") ?? "export";
        if (format is not ("export" or "json"))
            throw new UsageException($"--format must be export or json, not '{format}'");
        var results = new List<(string Name, ProbeResult Result)>();
        var failed = false;
        if (o.Positionals.Count == 0)
        {
            // every partition of a disk reads the same table: once
            var tables = new Dictionary<string, PartitionTable?>();
            PartitionTable? TableOf(string disk) =>
                tables.TryGetValue(disk, out var t) ? t : tables[disk] = PartitionKeys.ReadTable(disk);
            foreach (var dev in SysfsBlock.Enumerate())
            {
                SysfsBlock.EnsureNode(dev);
                var p = ProbedDevice.Of(dev, TableOf);
                PartitionKeys.AddForDevice(dev, p.Probe, TableOf);
                Report(dev.DevPath, p.Probe);
                if (!p.Probe.IsEmpty) results.Add((dev.DevPath, p.Probe));
            }
        }
        else
        {
            foreach (var path in o.Positionals)
            {
                ProbeResult r;
                try
                {
                    using var src = new FileProbeSource(path);
                    r = Prober.Probe(src);
                }
                catch (Exception e) { r = ProbeResult.Unreadable(Prober.Describe(e)); }
                // a partition's entry in its disk's table, as blkid prints it (block devices only)
                if (!r.IsUnreadable) PartitionKeys.AddForPath(path, r);
                Report(path, r);
                if (r.IsUnreadable) failed = true;
                else results.Add((path, r));
            }
        }
        var bytes = format == "json" ? Json(results) : Export(results);
        // write(2) on descriptor 1 itself: System.Console would set up terminal and signal handling (a thread of
        // its own) first, a good part of the start-up of a one-device probe
        var stdout = new SafeFd(1);
        try { Libc.Write(stdout, bytes, "standard output"); }
        catch (NativeException e) { throw new IOException(e.Message, e); }
        finally { stdout.SetHandleAsInvalid(); }   // not ours to close
        return failed ? 1 : results.Any(r => !r.Result.IsEmpty) ? 0 : 2;
    }

    /// <summary>A device that could not be probed, or whose probe met a limit, on stderr (escaped).</summary>
    private static void Report(string name, ProbeResult r)
    {
        if (r.Problem is null) return;
        var what = r.IsUnreadable ? "unreadable" : "probe incomplete";
        Console.Error.WriteLine($"liveinit probe: {ConsoleText.Escape(name)}: {what}: {ConsoleText.Escape(r.Problem)}");
    }

    /// <summary>blkid -o export: KEY=value lines escaped as blkid's safe_print escapes them (bytes over 127 as
    /// M-, control characters as ^X, ^? for DEL, then a backslash before shell metacharacters), a blank line
    /// between devices.</summary>
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
        foreach (var raw in value)
        {
            var b = raw;
            if (b >= 128)
            {
                ms.WriteByte((byte)'M');
                ms.WriteByte((byte)'-');
                b -= 128;
            }
            if (b < 32 || b == 0x7F)
            {
                ms.WriteByte((byte)'^');
                b ^= 0x40;
            }
            if (" \\\"'$`<>".Contains((char)b)) ms.WriteByte((byte)'\\');
            ms.WriteByte(b);
        }
        ms.WriteByte((byte)'\n');
    }

    /// <summary>An array of objects with blkid's upper-case keys and the raw UTF-8 values.</summary>
    public static byte[] Json(IReadOnlyList<(string Name, ProbeResult Result)> results)
    {
        var ms = new MemoryStream();
        var options = new JsonWriterOptions
        {
            Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using (var w = new Utf8JsonWriter(ms, options))
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
