using LiveInit.Media;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>Loop-mounts the compressed image read-only, opened through the confined opener (on the medium, or its
/// copy in RAM). If it contains an ext image (LiveOS/rootfs.img, airootfs.img), opened the same way beneath the
/// image's mount, that becomes the root's base instead of the image's own tree.</summary>
public sealed class MountImage(ImagePlan image, string mediumMount) : BootStep
{
    public override string Describe() =>
        $"loop-mount {string.Join(" or ", image.Candidates)} read-only at {image.MountPoint}"
        + (image.InnerRootfsImages.Count > 0
            ? $" (an inner {string.Join(" or ", image.InnerRootfsImages)} becomes the base)"
            : "");

    public override void Run(BootContext ctx)
    {
        if (ctx.Medium is { Type: "squashfs" or "erofs" } whole)
        {
            // the medium is the image itself (dracut's root=live: on a squashfs device, an NBD export of the image):
            // mounted from the device, nothing copied, no loop
            var dev = whole.Device.DevPath;
            ctx.EnsureMountTree(image.MountPoint);
            Mounts.MountDevice(ctx, dev, whole.Type!, image.MountPoint, readOnly: true);
            ctx.Log.Info($"the medium {dev} is itself the image ({whole.Type}): mounted at {image.MountPoint}");
            ctx.Image = new MountedImage(dev, image.MountPoint, image.MountPoint, null);
            return;
        }
        string where;
        using (var file = ImageFiles.Open(ctx, image, mediumMount))
        {
            where = file.Where;
            ctx.ImageFile = where;
            ctx.EnsureMountTree(image.MountPoint);
            try { Mounts.MountImage(ctx, file, image.MountPoint, readOnly: true); }
            catch (NativeException e)
            {
                throw new BootFailure($"cannot mount the image {where}: {e.Message}. The file may be corrupt; copy it "
                                      + "again.", e);
            }
        }
        ctx.Log.Info($"image {where} mounted at {image.MountPoint}");
        var inner = OpenInner();
        if (inner is not null) ctx.Log.Info($"the image holds {inner.Where}: using it as the root's base");
        ctx.Image = new MountedImage(where, image.MountPoint, inner is null ? image.MountPoint : null, inner);
    }

    /// <summary>The inner ext image, beneath the image's mount: a link in the image that leaves it (to /dev/…) is
    /// refused like one on the medium, and the boot stops with the reason (the image cannot be used as it
    /// is).</summary>
    private ConfinedFile? OpenInner()
    {
        if (image.InnerRootfsImages.Count == 0) return null;
        using var inside = MediumRoot.Open(image.MountPoint);
        foreach (var rel in image.InnerRootfsImages)
        {
            var f = inside.TryOpenFile(rel, write: false, out var why);
            if (f is not null) return f;
            if (why is not null)
                throw new BootFailure($"{inside.Where(rel)}: refused: {why}.\nThe image cannot be used as it is: "
                                      + $"rebuild it with a regular file {rel} in it.");
        }
        return null;
    }
}
