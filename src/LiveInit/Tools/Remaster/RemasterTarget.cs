using LiveInit.Plan;
using LiveInit.Tools.Common;

namespace LiveInit.Tools.Remaster;

/// <summary>Where a remaster goes: the folder of the image on the boot device and the image's name (antiX's bdir,
/// sqname/sqext), from the boot plan or from --dir/--name; whether root persistence is on (then rootfs.new too).</summary>
public sealed record RemasterTarget(string Directory, string ImageName, bool RootPersistence, string BootMount)
{
    public string Image => Path.Combine(Directory, ImageName);
    public string New => Image + ".new";
    public string NewMd5 => New + ".md5";

    public static RemasterTarget From(LiveSystem system, string? dir, string? name)
    {
        var plan = system.Plan;
        var antix = plan is { Dialect: "antix" } ? plan : null;
        if (dir is null && antix is null)
            throw new ToolFailure("this system was not booted as antiX/MX live (bdir=, blabel=, ...); give the "
                + "folder of the image with --dir");
        var folder = Path.GetFullPath(dir ?? Path.Combine(antix!.Medium.MountPoint, antix.Remaster.Directory));
        if (!System.IO.Directory.Exists(folder)) throw new ToolFailure($"{folder} does not exist (is the boot device "
            + "mounted?)");
        var image = name ?? antix?.Remaster.ImageName ?? "linuxfs";
        var rootPersist = antix?.Writable is LoopFileUpper;
        var mount = system.Mounts.ForPath(folder)?.MountPoint ?? "/";
        return new RemasterTarget(folder, image, rootPersist, mount);
    }
}
