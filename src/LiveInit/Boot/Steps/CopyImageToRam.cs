using System.Diagnostics;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>copytoram: the image is copied to a tmpfs under /run so the medium can be removed, within the RAM
/// budget of <see cref="RamCopy"/>. This step never stops the boot: when the image does not fit, or the copy
/// fails (ENOSPC, an I/O error, a short copy), the partial copy is removed, the tmpfs unmounted, and the boot
/// goes on from the medium with a warning that says why. With SRM loading on, the modules are copied too
/// (archiso does the same), beneath <see cref="SrmCopyDir"/> in the same folders, so the medium can be removed.
/// </summary>
public sealed class CopyImageToRam(ImagePlan image, string mediumMount, SrmPlan? srm = null) : BootStep
{
    public const string SrmCopyDir = "srm-copy";

    public override string Describe() => image.CopyToRam == ImageCopy.Yes
        ? $"copy the image to RAM ({image.RamCopyDir}) when RAM holds it plus {RamCopy.ExplicitMargin >> 20} MiB; "
          + "else boot from the medium"
        : $"copy the image to RAM when it is not on an optical drive, is under {RamCopy.AutoMaxImage >> 30} GiB "
          + $"and RAM has {RamCopy.AutoMargin >> 30} GiB to spare"
        + (srm is { Enabled: true } ? $" (the *{srm.Extension} modules with it)" : "");

    public override void Run(BootContext ctx)
    {
        using var medium = Media.MediumRoot.Open(mediumMount);
        using var file = ImageFiles.OnMedium(medium, image, out _);
        if (file is null) return;   // MountImage reports the missing or refused image
        var src = file.Where;
        var modules = Modules(ctx, medium);
        var size = file.Length + modules.Sum(m => m.Length);
        var avail = MemAvailable();
        var optical = ctx.Medium?.Device.IsOptical == true;
        if (RamCopy.Refusal(image.CopyToRam, size, avail, optical) is { } why)
        {
            if (image.CopyToRam == ImageCopy.Auto) ctx.Log.Info($"copytoram=auto: not copying ({why})");
            else ctx.Log.Warn($"not copying {src} to RAM: {why}; booting from the medium (keep it plugged in)");
            return;
        }
        var dst = Path.Combine(image.RamCopyDir, Path.GetFileName(src));
        ctx.Log.Notice($"copying {src} ({size >> 20} MiB) to RAM");
        var sw = Stopwatch.StartNew();
        var failure = TryCopy(file, image.RamCopyDir, dst, size);   // the tmpfs holds the SRMs too
        var srmRoot = Path.Combine(image.RamCopyDir, SrmCopyDir);
        failure ??= CopyModules(medium, modules, srmRoot);
        if (failure is not null)
        {
            foreach (var m in modules) Libc.TryUnlink(Path.Combine(srmRoot, m.Rel));
            Undo(ctx, image.RamCopyDir, dst);
            ctx.Log.Warn($"copying {src} to RAM failed ({failure}); removed the partial copy, booting from the medium");
            return;
        }
        var srms = modules.Count(m => !m.Rel.EndsWith(VerifyPlan.Suffix, StringComparison.Ordinal));
        ctx.Log.Info($"copied {size >> 20} MiB to RAM in {sw.ElapsedMilliseconds} ms"
                     + (srms > 0 ? $" (with {srms} SRM{(srms > 1 ? "s" : "")})" : ""));
        ctx.ImageFile = dst;
        if (srm is { Enabled: true }) ctx.Layout.SrmCopyRoot = srmRoot;
    }

    private sealed record Module(string Rel, long Length);

    /// <summary>A detached signature is a few hundred bytes; anything larger is not copied (and so not trusted).
    /// </summary>
    private const long MaxSignatureBytes = 64 * 1024;

    /// <summary>The SRMs to copy: regular files on the medium (a link off it is left to <see cref="MountSrms"/>,
    /// which reports it), each with its detached signature (<c>x.srm.sig</c>, small) when it has one, so that the
    /// signature check of an image with trusted keys finds it beside the copy.</summary>
    private List<Module> Modules(BootContext ctx, Media.MediumRoot medium)
    {
        var list = new List<Module>();
        if (srm is not { Enabled: true } || !medium.Lookup(srm.Directory).IsDirectory) return list;
        foreach (var name in medium.List(srm.Directory).Where(n => n.EndsWith(srm.Extension, StringComparison.Ordinal)))
        {
            var rel = srm.Directory.Length == 0 ? name : $"{srm.Directory}/{name}";
            var e = medium.Lookup(rel);
            if (!e.IsFile) continue;
            list.Add(new Module(rel, e.Size));
            var sig = medium.Lookup(rel + VerifyPlan.Suffix);
            if (sig.IsFile && sig.Size <= MaxSignatureBytes) list.Add(new Module(rel + VerifyPlan.Suffix, sig.Size));
        }
        return list;
    }

    private static string? CopyModules(Media.MediumRoot medium, List<Module> modules, string root)
    {
        foreach (var m in modules)
        {
            try
            {
                var dst = Path.Combine(root, m.Rel);
                Libc.MkdirAll(Path.GetDirectoryName(dst)!);
                using var f = medium.TryOpenFile(m.Rel, write: false, out var why);
                if (f is null) return $"{medium.Where(m.Rel)}: {why ?? "gone"}";
                using var from = f.OpenStream(bufferSize: 0);
                using var to = new FileStream(dst, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
                if (RamCopy.Copy(from, to, f.Length) is { } err) return $"{medium.Where(m.Rel)}: {err}";
            }
            catch (Exception e) { return $"{medium.Where(m.Rel)}: {e.Message}"; }
        }
        return null;
    }

    private static string? TryCopy(Media.ConfinedFile src, string ramDir, string dst, long total)
    {
        try { Mounts.MountTmpfs(ramDir, $"size={RamCopy.TmpfsBytes(total)},mode=0755"); }
        catch (Exception e) { return $"no tmpfs for it: {e.Message}"; }
        try
        {
            using var from = src.OpenStream(bufferSize: 0);
            using var to = new FileStream(dst, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            return RamCopy.Copy(from, to, src.Length);
        }
        catch (Exception e)   // whatever it is, the medium is still there to boot from
        {
            return e.Message;
        }
    }

    /// <summary>Gives the RAM back: the partial file, then the tmpfs (lazily when something still holds it).</summary>
    private static void Undo(BootContext ctx, string ramDir, string dst)
    {
        Libc.TryUnlink(dst);
        var err = Libc.TryUmount(ramDir);
        if (err != 0) err = Libc.TryUmount(ramDir, Libc.MNT_DETACH);
        if (err != 0) ctx.Log.Warn($"cannot unmount {ramDir}: {Errno.Describe(err)}");
    }

    private static long MemAvailable()
    {
        try { return RamCopy.MemAvailable(File.ReadLines("/proc/meminfo")); }
        catch (IOException) { return 0; }
    }
}
