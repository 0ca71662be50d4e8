using LiveInit.Media;

namespace LiveInit.Boot.Writable;

/// <summary>
/// The writable layer a strategy made ready, for <see cref="Steps.AssembleRoot"/>: either an overlayfs upper and
/// work directory (<see cref="UpperDir"/>, <see cref="WorkDir"/>: canonical paths from the confined opener), or the
/// COW file of a dm-snapshot root (<see cref="Cow"/>, opened through the confined opener: the loop device gets that
/// descriptor). <see cref="LowerDirs"/>: read-only layers to put above the image (rd.live.overlay.readonly).
/// <see cref="Mounted"/>: what the strategy mounted, released in reverse order when the root falls back to RAM.
/// </summary>
public sealed record WritableResult(
    bool IsPersistent,
    string Description,
    string? UpperDir,
    string? WorkDir,
    ConfinedFile? Cow,
    IReadOnlyList<string> LowerDirs,
    IReadOnlyList<HeldMount> Mounted) : IDisposable
{
    public bool IsSnapshot => Cow is not null;

    public static WritableResult Overlay(ConfinedDirectory upper, ConfinedDirectory work, bool persistent,
        string description, IReadOnlyList<HeldMount> mounted, IReadOnlyList<string>? lower = null) =>
        new(persistent, description, upper.Path, work.Path, null, lower ?? [], mounted);

    public static WritableResult Snapshot(ConfinedFile cow, bool persistent, string description,
        IReadOnlyList<HeldMount> mounted) => new(persistent, description, null, null, cow, [], mounted);

    /// <summary>Gives up this layer: the COW descriptor is closed and every mount made for it undone.</summary>
    public void Release(BootContext ctx)
    {
        Cow?.Dispose();
        HeldMount.ReleaseAll(ctx, Mounted);
    }

    public void Dispose() => Cow?.Dispose();
}
