namespace LiveInit.Plan;

/// <summary>dracut's autooverlay (<c>dmsquash-live-autooverlay</c>): when the overlay device named
/// <c>rd.overlay=LABEL=&lt;Label&gt;</c> does not exist, a partition is made in the free space after the medium's own
/// partition on the medium's own disk, formatted <see cref="Filesystem"/> (<c>rd.live.overlay.cowfs</c>, ext4) with
/// <see cref="Mkfs"/> (in the initramfs only when <c>liveinit mkinitramfs --autooverlay</c> put it there), labelled
/// <see cref="Label"/>, and used as the persistent overlay. Any doubt about the disk leaves it untouched.</summary>
public sealed record AutoOverlayPlan(string Label, string Filesystem, string Mkfs = AutoOverlayPlan.DefaultMkfs)
{
    public const string DefaultMkfs = "/sbin/mke2fs";

    /// <summary>The filesystems <see cref="DefaultMkfs"/> makes (dracut also allows xfs and btrfs).</summary>
    public static bool CanMake(string fs) => fs is "ext4" or "ext3" or "ext2";
}
