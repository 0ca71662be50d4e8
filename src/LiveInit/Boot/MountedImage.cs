using LiveInit.Media;

namespace LiveInit.Boot;

/// <summary>What <see cref="Steps.MountImage"/> made: the image (for messages) and where it is mounted, and either
/// the image's tree as the lowest overlayfs layer (<see cref="LowerDir"/>) or the ext image inside it
/// (<see cref="InnerRootfs"/>: Fedora LiveOS rootfs.img, archiso airootfs.img), opened through the confined
/// opener beneath the image's mount, which becomes the root's base (dm-snapshot origin or overlayfs base).</summary>
public sealed record MountedImage(string File, string MountPoint, string? LowerDir, ConfinedFile? InnerRootfs);
