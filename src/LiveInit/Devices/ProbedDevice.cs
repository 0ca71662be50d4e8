using LiveInit.Probe;
using LiveInit.Probe.PartitionTables;

namespace LiveInit.Devices;

/// <summary>A block device with what the prober found on it, plus PARTUUID/PARTLABEL read from its parent's
/// partition table (the kernel's partition number indexes it).</summary>
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
        catch (IOException) { r = new ProbeResult(); }
        if (dev.IsPartition && dev.Parent is not null)
        {
            var pt = (parentTable ?? ReadTable)(dev.Parent);
            var entry = pt?.Partitions.FirstOrDefault(p => p.Number == dev.PartitionNumber);
            if (entry is not null)
            {
                r.Set("PART_ENTRY_SCHEME", pt!.Type);
                if (entry.Uuid is not null) r.Set("PARTUUID", entry.Uuid);
                if (entry.Name is not null) r.Set("PARTLABEL", entry.Name);
                r.Set("PART_ENTRY_NUMBER", entry.Number.ToString());
            }
        }
        return new ProbedDevice(dev, r);
    }

    private static PartitionTable? ReadTable(string disk)
    {
        try
        {
            using var src = new FileProbeSource("/dev/" + disk);
            return Prober.ReadPartitionTable(src);
        }
        catch (IOException) { return null; }
    }

    public string Summary() =>
        $"{Device.DevPath}: {(Type ?? "no filesystem")}{(Label is null ? "" : $" LABEL=\"{Label}\"")}{(Uuid is null ? "" : $" UUID={Uuid}")}"
        + $" size {Device.SizeBytes / (1024 * 1024)} MiB{(Device.Removable ? ", removable" : "")}{(Device.ReadOnly ? ", read-only" : "")}";
}
