namespace LiveInit.Plan;

/// <summary>Debian live-boot persistence (<c>persistence</c>): every volume whose filesystem label or GPT partition
/// name is one of <see cref="Labels"/> (<c>persistence-label=</c>, default <c>persistence</c>) and that holds a
/// <c>persistence.conf</c>; its lines say which paths persist and how (<c>/ union</c>: the root's upper is
/// <c>rw/</c>, work <c>work/</c> on the volume). Each volume is looked into read-only at
/// <see cref="MountRoot"/>/&lt;device&gt; first. <see cref="ReadOnly"/> (<c>persistence-read-only</c>): the
/// volume's content is a read-only layer and changes go to RAM. Persistence files (live-boot's
/// <c>persistence-storage=file</c>, on by default): an ext image named like a label in <see cref="FileFolder"/>
/// (<c>persistence-path=</c>, default the root) of any other device, loop-mounted and used as a volume.</summary>
public sealed record LiveBootPersistence(IReadOnlyList<string> Labels, bool ReadOnly, string MountRoot, RamPlan Ram,
    string FileFolder = "")
    : WritableLayer(Ram)
{
    public const string DefaultLabel = "persistence", DefaultMountRoot = "/run/live/persistence";
    /// <summary>At most this many volumes are used (live-boot has no limit; a bound keeps a hostile disk
    /// full of labelled partitions from costing minutes).</summary>
    public const int MaxVolumes = 8;
}
