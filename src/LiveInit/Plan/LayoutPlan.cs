namespace LiveInit.Plan;

/// <summary>
/// The layout contracts a live system's own tools read, and layout detection. <see cref="Detect"/>: when no
/// dialect parameter is given, the layouts looked for on every device, in order; the first found yields the
/// dialect's own plan (built from <see cref="CommandLine"/> plus what the detection learnt, e.g. the device).
/// <see cref="RemasterConf"/>: antiX's <c>/live-config/remaster.conf</c>, in the new root, when a remaster is possible.
/// <see cref="Aliases"/>: mounts also shown at another place in the new root (SystemRescueCd-5's store at
/// <c>/mnt/memory</c>). <see cref="MediumLink"/>: a symlink to the medium's device node (dracut's
/// <c>/run/initramfs/livedev</c>). <see cref="MediumMayBeImage"/>: the medium itself may be the root image (dracut
/// <c>root=live:</c> naming a squashfs, erofs or ext filesystem with no LiveOS image on it).
/// </summary>
public sealed record LayoutPlan(
    IReadOnlyList<LayoutCandidate> Detect,
    string? RemasterConf = null,
    IReadOnlyList<RootAlias>? Aliases = null,
    string? MediumLink = null,
    bool MediumMayBeImage = false,
    string? CommandLine = null)
{
    public const string AntixRemasterConf = "/live-config/remaster.conf", DracutLiveDev = "/run/initramfs/livedev";
    public const string DetectMountPoint = "/run/liveinit/detect";

    /// <summary>The known layouts, in the order they are looked for.</summary>
    public static IReadOnlyList<LayoutCandidate> Known { get; } =
    [
        new("sysresccd5", "sysrcd.dat", ""), new("dracut", "LiveOS/squashfs.img", "root=live:{device}"),
        new("antix", "antiX/linuxfs", "bdev={device}"),
        new("archiso", "*/x86_64/airootfs.sfs", "archisodevice={device} archisobasedir={folder}"),
        new("live-boot", "live/filesystem.squashfs", "boot=live live-media={device}"),
    ];
}

/// <summary>A layout: the file that marks it on a medium (<c>*</c> stands for one top-level folder), the dialect
/// whose plan it yields, and the parameters that name the medium found in that dialect (<c>{device}</c>: its
/// device node, <c>{folder}</c>: the folder <c>*</c> matched; SystemRescueCd-5 has none: it searches).</summary>
public sealed record LayoutCandidate(string Dialect, string Marker, string MediumParameters);

/// <summary>The mount at <see cref="Mount"/> is also shown at <see cref="AlsoAt"/> in the new root.</summary>
public sealed record RootAlias(string Mount, string AlsoAt);
