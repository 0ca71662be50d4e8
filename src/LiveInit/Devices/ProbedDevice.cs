using LiveInit.Probe;
using LiveInit.Probe.PartitionTables;
using LiveInit.Text;

namespace LiveInit.Devices;

/// <summary>A block device with what the prober found on it, plus PARTUUID/PARTLABEL read from its parent's
/// partition table (the kernel's partition number indexes it). Probing one device never throws: a device that
/// cannot be opened or probed is "unreadable", with the reason in <see cref="ProbeResult.Problem"/>.</summary>
public sealed record ProbedDevice(BlockDevice Device, ProbeResult Probe)
{
    public string? Type => Probe.Get("TYPE");
    public string? Label => Probe.Get("LABEL");
    public string? Uuid => Probe.Get("UUID");
    public string? PartUuid => Probe.Get("PARTUUID");
    public string? PartLabel => Probe.Get("PARTLABEL");

    public static ProbedDevice Of(BlockDevice dev, Func<string, PartitionTable?>? parentTable = null)
    {
        ProbeResult r;
        try
        {
            using var src = new FileProbeSource(dev.DevPath);
            r = Prober.Probe(src, partitions: !dev.IsPartition);
        }
        catch (Exception e) { r = ProbeResult.Unreadable(Prober.Describe(e)); }
        try
        {
            if (dev.IsPartition && dev.Parent is not null)
                AddPartitionEntry(r, dev, (parentTable ?? ReadTable)(dev.Parent));
        }
        catch (Exception e) { r.NoteProblem($"partition table of {dev.Parent}: {Prober.Describe(e)}"); }
        return new ProbedDevice(dev, r);
    }

    private static void AddPartitionEntry(ProbeResult r, BlockDevice dev, PartitionTable? pt)
    {
        var entry = pt?.Partitions.FirstOrDefault(p => p.Number == dev.PartitionNumber);
        if (entry is null) return;
        r.Set("PART_ENTRY_SCHEME", pt!.Type);
        if (entry.Uuid is not null) r.Set("PARTUUID", entry.Uuid);
        if (entry.Name is not null) r.Set("PARTLABEL", entry.Name);
        r.Set("PART_ENTRY_NUMBER", entry.Number.ToString());
    }

    private static PartitionTable? ReadTable(string disk)
    {
        try
        {
            using var src = new FileProbeSource("/dev/" + disk);
            return Prober.ReadPartitionTable(src);
        }
        catch (Exception) { return null; }
    }

    /// <summary>One line for the console and the log; every on-disk string in it is escaped
    /// (<see cref="ConsoleText"/>).</summary>
    public string Summary()
    {
        var what = Probe.IsUnreadable ? $"unreadable ({ConsoleText.Escape(Probe.Problem)})"
            : Probe.GetBytes("TYPE") is { } type ? ConsoleText.Escape(type) : "no filesystem";
        var label = Probe.GetBytes("LABEL") is { } l ? $" LABEL={ConsoleText.Quoted(l)}" : "";
        var uuid = Probe.GetBytes("UUID") is { } u ? $" UUID={ConsoleText.Escape(u)}" : "";
        var flags = (Device.Removable ? ", removable" : "") + (Device.ReadOnly ? ", read-only" : "");
        var note = !Probe.IsUnreadable && Probe.Problem is { } p ? $" (probe: {ConsoleText.Escape(p)})" : "";
        return $"{Device.DevPath}: {what}{label}{uuid} size {Device.SizeBytes / (1024 * 1024)} MiB{flags}{note}";
    }
}
