using LiveInit.Cmdline;
using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary>
/// Fedora LiveOS as dracut's dmsquash-live reads it: <c>root=live:&lt;spec&gt;</c>, <c>rd.live.dir</c>
/// (LiveOS), <c>rd.live.squashimg</c> (squashfs.img), <c>rd.live.overlay[=dev[:path]]</c> (also
/// <c>rd.overlay</c>), <c>rd.live.overlay.overlayfs|readonly|reset|size</c>, <c>rd.live.ram</c>, <c>rd.retry</c>.
/// </summary>
public sealed class DracutLiveDialect : IDialect
{
    public const string BootMount = "/run/initramfs/live", ImageMount = "/run/initramfs/squashfs",
        RamMount = "/run/liveinit/cow", RamSnapshotMount = "/run/initramfs/overlay";

    public string Name => "dracut";
    public IReadOnlyList<string> MediumParameters { get; } = ["root"];
    public IReadOnlyList<string> Parameters { get; } =
    [
        "root", "rd.live.image", "rd.live.dir", "rd.live.squashimg", "rd.live.overlay", "rd.overlay",
        "rd.live.overlay.overlayfs", "rd.live.overlay.readonly", "rd.live.overlay.reset", "rd.live.overlay.size",
        "rd.live.ram", "rd.live.check", "rd.retry",
    ];

    /// <summary>True when <c>root=live:</c> is given (the only strong claim of this dialect).</summary>
    public static bool HasLiveRoot(KernelCommandLine c) => c.Get("root")?.StartsWith("live:", StringComparison.Ordinal) == true;

    public BootPlan Build(KernelCommandLine c, Diagnostics d)
    {
        var liveDir = CommonParameters.RelativeDir(c, d, "rd.live.dir", "LiveOS", allowLeadingSlash: true);
        var squash = CommonParameters.Name(c, d, "rd.live.squashimg", "squashfs.img");
        var imagePath = $"{liveDir}/{squash}";
        var wait = CommonParameters.WaitSeconds(c, d, "rd.retry");
        var rw = c.Has("rw");

        MediumPlan medium;
        var root = c.Get("root");
        string? err = null;
        var net = Http(c, d, root, imagePath);
        NbdSource? nbd = null;
        if (net is not null) medium = new MediumPlan(null, null, ScanScope.All, BootMount, wait, rw);
        else if (root is not null && root.StartsWith("live:nbd:", StringComparison.OrdinalIgnoreCase)
            && NbdParameters.TryUrl(root[5..], out nbd, out err))
        {
            medium = new MediumPlan(new DeviceSpec(DeviceSpecKind.Path, nbd!.Device), null, ScanScope.All, BootMount,
                wait, false, nbd);
            NbdParameters.NeedsNetwork(c, d, "root");
        }
        else if (root is not null && root.StartsWith("live:", StringComparison.Ordinal)
            && !root.StartsWith("live:nbd:", StringComparison.OrdinalIgnoreCase)
            && DeviceSpec.TryParse(root[5..], out var spec, out err))
            medium = new MediumPlan(spec, null, ScanScope.All, BootMount, wait, rw);
        else
        {
            var why = root is null || !root.StartsWith("live:", StringComparison.Ordinal)
                ? "root=live:<device> is missing" : $"root=live: {err}";
            d.Error("root", $"{why}; searching every device for {imagePath}");
            medium = new MediumPlan(null, imagePath, ScanScope.All, BootMount, wait, rw);
        }
        if (c.Has("rd.live.check")) d.Warn("rd.live.check", "media check (checkisomd5) is not done by LiveInit; booting without it");

        var image = new ImagePlan([imagePath], c.Has("rd.live.ram") || net is not null ? ImageCopy.Yes : ImageCopy.No, null,
            ["LiveOS/rootfs.img", "LiveOS/ext3fs.img"], ImageMount);

        var overlayKey = c.Has("rd.live.overlay") ? "rd.live.overlay" : "rd.overlay";
        if (c.Has("rd.live.overlay") && c.Has("rd.overlay")) d.Warn("rd.overlay", "rd.live.overlay is given too and wins");
        DeviceSpec? persistent = null;
        string? path = null;
        var ov = c.Find(overlayKey);
        if (ov is not null)
        {
            if (string.IsNullOrEmpty(ov.Value)) d.Error(overlayKey, "needs a device, e.g. rd.live.overlay=LABEL=LIVE; changes stay in RAM");
            else
            {
                var colon = ov.Value.IndexOf(':');
                var devText = colon < 0 ? ov.Value : ov.Value[..colon];
                if (DeviceSpec.TryParse(devText, out var dev, out var derr)) persistent = dev;
                else d.Error(overlayKey, $"{derr}; changes stay in RAM");
                if (persistent is not null && colon >= 0)
                {
                    // a directory overlay ends in overlayfs options (upperdir, and workdir next to it)
                    var typed = ov.Value[(colon + 1)..].TrimStart('/');
                    if (RelativePath.TryNormalizeForOverlay(typed, out var p, out var perr)) path = p;
                    else { d.Error(overlayKey, $"overlay path {perr}; using the default overlay-<LABEL>-<UUID>"); }
                }
            }
        }
        var size = 32768;
        var sz = c.Find("rd.live.overlay.size");
        if (sz is not null && !(int.TryParse(sz.Value, out size) && size > 0))
        {
            d.Error("rd.live.overlay.size", $"'{sz.Value}' is not a size in MiB; using 32768");
            size = 32768;
        }
        // in RAM: the sparse COW file where dracut keeps it (/run/initramfs/overlay), an overlayfs upper at
        // /run/liveinit/cow
        var ram = new RamPlan(SizeSpec.OfPercent(50), RamMount, "", RamSnapshotMount, size);
        var writable = new LiveOsOverlay(persistent, path, liveDir, c.Has("rd.live.overlay.overlayfs"),
            c.Has("rd.live.overlay.readonly"), c.Has("rd.live.overlay.reset"), LiveOsOverlay.DefaultDeviceMountPoint,
            ram);

        return new BootPlan(Name, medium, image, new SrmPlan(false, liveDir, ".srm"), writable,
            new RemasterPlan(RemasterAction.None, liveDir, squash, false, ""),
            net is null ? new HomePlan($"{liveDir}/home.img", false) : null,
            CommonParameters.Failure(c, d), CommonParameters.Init(c, d), CommonParameters.Log(c, d), d.Items, net);
    }

    /// <summary>dracut livenet: <c>root=live:http://…/squashfs.img</c>, or an ISO URL whose
    /// <c>&lt;rd.live.dir&gt;/&lt;rd.live.squashimg&gt;</c> is the image; fetched into RAM (as livenet does), the
    /// network left configured for the live system (dracut's way).</summary>
    private static NetPlan? Http(KernelCommandLine c, Diagnostics d, string? root, string imagePath)
    {
        if (root is null || !root.StartsWith("live:", StringComparison.Ordinal)) return null;
        var spec = root[5..];
        if (!Tools.Net.HttpUrl.LooksLikeUrl(spec)) return null;
        var url = NetParameters.Url(d, "root", spec);
        if (url is null) return null;
        var ip = NetParameters.Ip(c, d, needed: true, "root=live:http://")!;
        var iso = url.Split('?')[0].EndsWith(".iso", StringComparison.OrdinalIgnoreCase);
        return new NetPlan(ip, new NetImage(url, iso ? NetImageKind.Iso : NetImageKind.Squashfs, NetImage.DefaultRamDir,
            imagePath, NetImage.DefaultIsoMountPoint), [], NetPlan.DefaultLeaseDir, FlushAtSwitch: false);
    }
}
