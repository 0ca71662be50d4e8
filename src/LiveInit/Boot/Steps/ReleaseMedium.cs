using LiveInit.Native;

namespace LiveInit.Boot.Steps;

/// <summary>copytoram: once the root is assembled from the copies in RAM (the image, and the SRMs when loaded),
/// the medium is unmounted so it can be removed (archiso does the same). When something else still uses it
/// (persistence on it, a /home image) it stays mounted and the log says so.</summary>
public sealed class ReleaseMedium(string mediumMount, string ramCopyDir, bool srmsToo) : BootStep
{
    public override string Describe() =>
        $"when the image{(srmsToo ? " and the SRMs were" : " was")} copied to RAM: unmount {mediumMount} so the "
        + "medium can be removed";

    public override void Run(BootContext ctx)
    {
        var inRam = ctx.ImageFile?.StartsWith(ramCopyDir.TrimEnd('/') + "/", StringComparison.Ordinal) == true;
        if (!inRam || (srmsToo && ctx.Layout.SrmCopyRoot is null) || !Mounts.IsMountPoint(mediumMount)) return;
        var err = Libc.TryUmount(mediumMount);
        if (err == 0)
            ctx.Log.Info($"the boot medium is no longer used (copytoram): {mediumMount} unmounted, it can be removed");
        else
            ctx.Log.Info($"the boot medium stays mounted at {mediumMount}: something on it is still in use "
                         + $"({Errno.Describe(err)})");
    }
}
