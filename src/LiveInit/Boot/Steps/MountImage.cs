using LiveInit.Media;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>Loop-mounts the compressed image read-only, opened through the confined opener (on the medium, or its
/// copy in RAM). If it contains an ext image (LiveOS/rootfs.img, airootfs.img), opened the same way beneath the
/// image's mount, that becomes the root's base instead of the image's own tree. With
/// <paramref name="mediumMayBeImage"/> (dracut <c>root=live:</c>), a medium that is itself a squashfs, erofs or ext
/// filesystem and holds none of the candidates is the image: its mount is the image's.</summary>
public sealed class MountImage(ImagePlan image, string mediumMount, bool mediumMayBeImage = false) : BootStep
{
    public override string Describe() =>
        $"loop-mount {string.Join(" or ", image.Candidates)} read-only at {image.MountPoint}"
        + (image.InnerRootfsImages.Count > 0
            ? $" (an inner {string.Join(" or ", image.InnerRootfsImages)} becomes the base)"
            : "")
        + (mediumMayBeImage ? "; a squashfs, erofs or ext medium without them is the image itself" : "");

    public override void Run(BootContext ctx)
    {
        if (MediumIsImage(ctx) && ctx.Medium is { Type: "squashfs" or "erofs" } compressed)
        {
            // the medium is the image itself (dracut's root=live: on a squashfs device, an NBD export of the image):
            // mounted from the device, nothing copied, no loop
            var dev = compressed.Device.DevPath;
            ctx.Log.Info($"the medium {dev} ({compressed.Type}) holds no {string.Join(" or ", image.Candidates)}: "
                         + "it is the image itself");
            ctx.EnsureMountTree(image.MountPoint);
            Mounts.MountDevice(ctx, dev, compressed.Type!, image.MountPoint, readOnly: true);
            ctx.Log.Info($"the medium {dev} is itself the image ({compressed.Type}): mounted at {image.MountPoint}");
            ctx.Image = new MountedImage(dev, image.MountPoint, image.MountPoint, null);
            return;
        }
        if (MediumIsImage(ctx))
        {
            var dev = ctx.Medium!.Device.DevPath;
            ctx.Log.Info($"the medium {dev} ({ctx.Medium.Type}) holds no {string.Join(" or ", image.Candidates)}: "
                         + "it is the image itself");
            var own = OpenInner(mediumMount);
            if (own is not null) ctx.Log.Info($"the image holds {own.Where}: using it as the root's base");
            ctx.Image = new MountedImage(dev, mediumMount, own is null ? mediumMount : null, own);
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
        var inner = OpenInner(image.MountPoint);
        if (inner is not null) ctx.Log.Info($"the image holds {inner.Where}: using it as the root's base");
        ctx.Image = new MountedImage(where, image.MountPoint, inner is null ? image.MountPoint : null, inner);
    }

    /// <summary>The inner ext image, beneath the image's mount: a link in the image that leaves it (to /dev/…) is
    /// refused like one on the medium, and the boot stops with the reason (the image cannot be used as it
    /// is).</summary>
    private bool MediumIsImage(BootContext ctx)
    {
        if (!mediumMayBeImage || ctx.ImageFile is not null) return false;
        if (ctx.Medium?.Type is not ("squashfs" or "erofs" or "ext2" or "ext3" or "ext4")) return false;
        using var medium = MediumRoot.Open(mediumMount);
        return image.Candidates.All(c => medium.Lookup(c).Kind == EntryKind.Missing);
    }

    private ConfinedFile? OpenInner(string mountPoint)
    {
        if (image.InnerRootfsImages.Count == 0) return null;
        using var inside = MediumRoot.Open(mountPoint);
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
