namespace LiveInit.Plan;

/// <summary>
/// The boot medium is an image file (an ISO, usually) on a host device, as multiboot sticks and GRUB's
/// <c>loopback</c> carry it: archiso <c>img_dev=</c>/<c>img_loop=</c>, SystemRescueCd-5 <c>isoloop=</c>, dracut
/// <c>iso-scan/filename=</c>, live-boot <c>findiso=</c>, antiX <c>fromiso=</c>. The host is <see cref="Host"/>, or
/// the first filesystem of <see cref="Scope"/> holding <see cref="FilePath"/>; every host is mounted read-only
/// without journal replay at <see cref="HostMountPoint"/> (with <see cref="HostOptions"/>), the file opened through
/// the confined opener and loop-attached read-only, and the loop device is then the medium of
/// <see cref="MediumPlan"/>: everything after that runs as if the image had been written to a stick.
/// <see cref="Parameter"/> names the command-line parameter, for messages. <see cref="Expect"/>, when the command
/// line also names the medium by its own label or UUID (dracut's <c>root=live:CDLABEL=…</c> beside
/// <c>iso-scan/filename=</c>), is what the image must be: another image is refused before it is mounted.
/// </summary>
public sealed record ImageFilePlan(
    string Parameter, DeviceSpec? Host, string FilePath, ScanScope Scope, string HostMountPoint, string? HostOptions,
    DeviceSpec? Expect = null)
{
    /// <summary>The identity of the medium named on the command line, when an image file can carry it (a label
    /// or a filesystem UUID: a loop device has no partition entry, no path of its own and no by-id name).</summary>
    public static DeviceSpec? ExpectedIdentity(DeviceSpec? medium) =>
        medium is { Kind: DeviceSpecKind.Label or DeviceSpecKind.Uuid } ? medium : null;

    /// <summary>Most bytes of a path to an image file (GRUB's own limit on a file name is lower).</summary>
    public const int MaxPathLength = 1024;

    /// <summary>The file named by <paramref name="key"/>, relative to the host's root (a leading '/' is how every
    /// peer writes it); null and an error naming the parameter when it leaves the host or is not a file name.
    /// </summary>
    public static string? PathOf(string key, string? value, Action<string, string> error)
    {
        if (string.IsNullOrEmpty(value))
        {
            error(key, "has no value: give the path of the image file on its device");
            return null;
        }
        if (value.Length > MaxPathLength)
        {
            error(key, $"is longer than {MaxPathLength} characters; ignored");
            return null;
        }
        if (!RelativePath.TryNormalize(value.TrimStart('/'), out var rel, out var why) || rel.Length == 0)
        {
            error(key, $"{why ?? "names no file"}; ignored");
            return null;
        }
        return rel;
    }
}
