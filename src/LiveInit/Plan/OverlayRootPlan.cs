namespace LiveInit.Plan;

/// <summary>dracut-ng's overlay over a normal (non-live) root: <c>root=LABEL=x rd.overlay[=DEVICE]</c>. The root
/// device is the medium, mounted read-only at <see cref="RootBase"/> (dracut-ng's /run/rootfsbase) and used as
/// the only lower layer, with the writable layer of the plan above it (RAM, or the <c>overlay/</c> and
/// <c>ovlwork/</c> folders at the top of the overlay device). <see cref="Overlay"/> false (<c>rd.overlay=0</c>):
/// no overlay, the root device itself becomes the root (read-write only with <c>rw</c>).</summary>
public sealed record OverlayRootPlan(bool Overlay, bool ReadWrite)
{
    public const string RootBase = "/run/rootfsbase";

    /// <summary>Where dracut-ng's overlayfs module keeps the changes on an overlay device.</summary>
    public const string UpperOnDevice = "overlay";
}
