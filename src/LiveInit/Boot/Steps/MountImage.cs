using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>Loop-mounts the compressed image read-only. If it contains an ext image (LiveOS/rootfs.img,
/// airootfs.img) that becomes the root's base instead of the image's own tree.</summary>
public sealed class MountImage(ImagePlan image, string mediumMount) : BootStep
{
    public override string Describe() =>
        $"loop-mount {string.Join(" or ", image.Candidates)} read-only at {image.MountPoint}"
        + (image.InnerRootfsImages.Count > 0 ? $" (an inner {string.Join(" or ", image.InnerRootfsImages)} becomes the base)" : "");

    public override void Run(BootContext ctx)
    {
        var file = ctx.ImageFile ?? image.Candidates.Select(c => Path.Combine(mediumMount, c)).FirstOrDefault(File.Exists);
        if (file is null)
        {
            var listing = Directory.Exists(mediumMount)
                ? string.Join(", ", Directory.EnumerateFileSystemEntries(mediumMount).Select(Path.GetFileName).Take(20))
                : "(not mounted)";
            throw new BootFailure($"the medium {ctx.Medium?.Device.DevPath} has no {string.Join(" or ", image.Candidates)}.\n"
                                  + $"Its top level holds: {listing}.\nCheck the folder parameters (archisobasedir=, rd.live.dir=, bdir=).");
        }
        ctx.ImageFile = file;
        ctx.EnsureMountTree(image.MountPoint);
        try { Mounts.MountImage(ctx, file, image.MountPoint, readOnly: true); }
        catch (NativeException e) { throw new BootFailure($"cannot mount the image {file}: {e.Message}. The file may be corrupt; copy it again.", e); }
        ctx.Log.Info($"image {file} mounted at {image.MountPoint}");
        var inner = image.InnerRootfsImages.Select(i => Path.Combine(image.MountPoint, i)).FirstOrDefault(File.Exists);
        if (inner is not null)
        {
            ctx.InnerRootfs = inner;
            ctx.Log.Info($"the image holds {inner}: using it as the root's base");
        }
        else ctx.LowerDirs.Add(image.MountPoint);
    }
}
