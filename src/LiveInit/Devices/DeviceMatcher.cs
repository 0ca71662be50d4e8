using LiveInit.Plan;

namespace LiveInit.Devices;

/// <summary>Decides whether a probed device is the one a <see cref="DeviceSpec"/> names, and orders several
/// matches: when a whole disk and its partition carry the same label (hybrid ISO), partitions come first.</summary>
public static class DeviceMatcher
{
    public static bool Matches(DeviceSpec spec, ProbedDevice d) => spec.Kind switch
    {
        DeviceSpecKind.Label => d.Label == spec.Value,
        DeviceSpecKind.Uuid => string.Equals(d.Uuid, spec.Value, StringComparison.OrdinalIgnoreCase),
        DeviceSpecKind.PartUuid => string.Equals(d.PartUuid, spec.Value, StringComparison.OrdinalIgnoreCase),
        DeviceSpecKind.PartLabel => d.PartLabel == spec.Value,
        DeviceSpecKind.Path => d.Device.DevPath == spec.Value || Canonical(spec.Value) == d.Device.DevPath,
        DeviceSpecKind.UdevLink => UdevLinks(d.Device.Name).Contains(spec.Value)
                                   || Canonical("/dev/disk/" + spec.Value) == d.Device.DevPath,
        _ => false,
    };

    /// <summary>Where the udev names are read from (a test points it at a sysfs fixture).</summary>
    public static Func<string, IReadOnlyList<string>> UdevLinks { get; set; } = name => Udev.UdevNames.Of(name);

    /// <summary>Matches in preference order: partitions before whole disks, then by name.</summary>
    public static List<ProbedDevice> Candidates(DeviceSpec spec, IEnumerable<ProbedDevice> all) =>
        all.Where(d => Matches(spec, d))
           .OrderBy(d => d.Device.IsPartition ? 0 : 1)
           .ThenBy(d => d.Device.Name, StringComparer.Ordinal)
           .ToList();

    private static string Canonical(string path)
    {
        try { return new FileInfo(path).ResolveLinkTarget(true)?.FullName ?? path; }
        catch (IOException) { return path; }
    }
}
