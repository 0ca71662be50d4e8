using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>copytoram: the image is copied to a tmpfs under /run so the medium can be removed.
/// auto = not an optical drive, image under 4 GiB, and MemAvailable above the image size + 2 GiB.</summary>
public sealed class CopyImageToRam(ImagePlan image, string mediumMount) : BootStep
{
    public const string RamDir = "/run/liveinit/copytoram";

    public override string Describe() => image.CopyToRam == ImageCopy.Yes
        ? $"copy the image to RAM ({RamDir})"
        : "copy the image to RAM when it is not on an optical drive, is under 4 GiB and RAM has 2 GiB to spare";

    public override void Run(BootContext ctx)
    {
        var src = image.Candidates.Select(c => Path.Combine(mediumMount, c)).FirstOrDefault(File.Exists);
        if (src is null) return;   // MountImage reports the missing image
        var size = new FileInfo(src).Length;
        if (image.CopyToRam == ImageCopy.Auto)
        {
            var avail = MemAvailable();
            if (ctx.Medium?.Device.IsOptical == true || size >= 4L << 30 || avail < size + (2L << 30))
            {
                ctx.Log.Info($"copytoram=auto: not copying ({size >> 20} MiB image, {avail >> 20} MiB available)");
                return;
            }
        }
        Mounts.MountTmpfs(RamDir, $"size={Math.Max(size + (16 << 20), 32 << 20)},mode=0755");
        var dst = Path.Combine(RamDir, Path.GetFileName(src));
        ctx.Log.Notice($"copying {src} ({size >> 20} MiB) to RAM");
        File.Copy(src, dst, overwrite: true);
        ctx.ImageFile = dst;
    }

    private static long MemAvailable()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
            if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                && long.TryParse(line[13..].Trim().Split(' ')[0], out var kb))
                return kb * 1024;
        return 0;
    }
}
