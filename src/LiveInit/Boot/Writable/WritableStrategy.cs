using LiveInit.Plan;

namespace LiveInit.Boot.Writable;

/// <summary>
/// One way of making the root's writable layer ready, one per <see cref="WritableLayer"/> kind. <see cref="Prepare"/>
/// returns the layer, or null when persistence cannot be used: the strategy has then said why in one warning
/// (ending in <see cref="RamOnly"/>) and undone its own mounts, and the caller falls back to RAM
/// (<see cref="RamUpperStrategy"/>), on a tmpfs of its own. Nothing is written to a device before the strategy
/// knows that what the plan needs there is usable.
/// </summary>
public abstract class WritableStrategy
{
    /// <summary>The end of every warning that gives up persistence.</summary>
    public const string RamOnly = "changes will be kept in RAM only";

    /// <summary>The refusal of an upper or work folder that is a regular file.</summary>
    internal static string NotAFolder(string where) => $"{where}: refused: it is a regular file, not a folder";

    /// <summary>The refusal of a folder whose canonical path overlayfs cannot be given.</summary>
    internal static string Unusable(string path) =>
        $"{Media.PathText.Printable(path)}: refused: its links lead to names with control characters";

    public static WritableStrategy For(WritableLayer layer) => layer switch
    {
        RamUpper r => new RamUpperStrategy(r.Ram),
        DirectoryUpper d => new DirectoryUpperStrategy(d),
        LoopFileUpper l => new LoopFileUpperStrategy(l),
        LiveOsOverlay o => new LiveOsOverlayStrategy(o),
        LiveBootPersistence l => new LiveBootPersistenceStrategy(l),
        CryptOverlay c => new CryptOverlayStrategy(c),
        _ => throw new ArgumentException("no strategy for this kind of writable layer"),
    };

    /// <summary>What <c>liveinit explain</c> prints for the step.</summary>
    public abstract string Describe();

    /// <summary>True when, over an image that holds an ext image, this layer wants a dm-snapshot root (a COW file)
    /// rather than overlayfs over the ext image mounted read-only.</summary>
    public virtual bool SnapshotsInnerImage => false;

    /// <param name="snapshotRoot">the root will be a dm-snapshot over the image's inner ext image: a COW file is
    /// wanted, not an upper directory.</param>
    public abstract WritableResult? Prepare(BootContext ctx, bool snapshotRoot);
}
