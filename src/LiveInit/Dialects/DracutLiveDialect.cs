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
        RamMount = "/run/liveinit/cow", IsoScanMount = "/run/initramfs/isoscan", RamSnapshotMount = "/run/initramfs/overlay";

    public string Name => "dracut";
    public IReadOnlyList<string> MediumParameters { get; } = ["root"];
    public IReadOnlyList<string> Parameters { get; } =
    [
        "root", "rd.live.image", "rd.live.dir", "rd.live.squashimg", "rd.live.overlay", "rd.overlay",
        "rd.live.overlay.overlayfs", "rd.live.overlay.readonly", "rd.live.overlay.reset", "rd.live.overlay.size",
        "rd.overlay.readonly", "rd.overlay.reset", "rd.live.overlay.cowfs", OverlayCryptParameter.Key,
        "rd.live.ram", "rd.live.check", "rd.retry", "iso-scan/filename",
    ];

    /// <summary>True when <c>root=live:</c> is given (the only strong claim of this dialect).</summary>
    public static bool HasLiveRoot(KernelCommandLine c) => c.Get("root")?.StartsWith("live:", StringComparison.Ordinal) == true;

    /// <summary>dracut-ng's overlay over a normal root: <c>root=</c> without <c>live:</c>, and
    /// <c>rd.overlay</c> or <c>rd.overlay.crypt</c> (which implies an overlay).</summary>
    public static bool HasOverlayRoot(KernelCommandLine c) =>
        c.Get("root") is { Length: > 0 } && !HasLiveRoot(c)
        && (c.Has("rd.overlay") || c.Has(OverlayCryptParameter.Key));

    /// <summary>root= is this dialect's when it is a live root or an overlay root.</summary>
    public static bool Claims(KernelCommandLine c) => HasLiveRoot(c) || HasOverlayRoot(c);

    public BootPlan Build(KernelCommandLine c, Diagnostics d)
    {
        var liveDir = CommonParameters.RelativeDir(c, d, "rd.live.dir", "LiveOS", allowLeadingSlash: true);
        var squash = CommonParameters.Name(c, d, "rd.live.squashimg", "squashfs.img");
        var imagePath = $"{liveDir}/{squash}";
        var wait = CommonParameters.WaitSeconds(c, d, "rd.retry");
        var rw = c.Has("rw");

        if (HasOverlayRoot(c)) return OverlayRoot(c, d, wait, rw);
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
            if (!c.Has("iso-scan/filename")) d.Error("root", $"{why}; searching every device for {imagePath}");
            medium = new MediumPlan(null, imagePath, ScanScope.All, BootMount, wait, rw);
        }
        // iso-scan: the image file on any device becomes the medium (root=live: then names the image's own label)
        var isoFile = ImageFileParameters.Find(c, d, "iso-scan/filename", IsoScanMount);
        if (isoFile is not null)
        {
            isoFile = isoFile with { Expect = ImageFilePlan.ExpectedIdentity(medium.Device) };
            medium = medium with { Device = null, SearchFile = null };
        }
        if (c.Has("rd.live.check")) d.Warn("rd.live.check", "media check (checkisomd5) is not done by LiveInit; booting without it");

        // dmsquash-live: the squashfs image, else an uncompressed (or squashfs/erofs) rootfs.img or ext3fs.img
        // straight on the medium (what `liveinit overlay merge --to rootfs` leaves); over the network: the one URL
        string[] candidates = net is null ? [imagePath, $"{liveDir}/rootfs.img", $"{liveDir}/ext3fs.img"] : [imagePath];
        var image = new ImagePlan(candidates, c.Has("rd.live.ram") || net is not null ? ImageCopy.Yes : ImageCopy.No,
            null,
            ["LiveOS/rootfs.img", "LiveOS/ext3fs.img"], ImageMount);

        var ov = Overlay(c, d, out var overlayKey, out var overlayfs, out var tmpfsSize);
        DeviceSpec? persistent = null;
        string? path = null;
        if (ov is not null)
        {
            var colon = ov.IndexOf(':');
            var devText = colon < 0 ? ov : ov[..colon];
            if (DeviceSpec.TryParse(devText, out var dev, out var derr)) persistent = dev;
            else d.Error(overlayKey, $"{derr}; changes stay in RAM");
            if (persistent is not null && colon >= 0)
            {
                // a directory overlay ends in overlayfs options (upperdir, and workdir next to it)
                var typed = ov[(colon + 1)..].TrimStart('/');
                if (RelativePath.TryNormalizeForOverlay(typed, out var p, out var perr)) path = p;
                else { d.Error(overlayKey, $"overlay path {perr}; using the default overlay-<LABEL>-<UUID>"); }
            }
        }
        var auto = AutoOverlay(c, d, persistent, path);
        var size = 32768;
        var sz = c.Find("rd.live.overlay.size");
        if (sz is not null && !(int.TryParse(sz.Value, out size) && size > 0))
        {
            d.Error("rd.live.overlay.size", $"'{sz.Value}' is not a size in MiB; using 32768");
            size = 32768;
        }
        // in RAM: the sparse COW file where dracut keeps it (/run/initramfs/overlay), an overlayfs upper at
        // /run/liveinit/cow
        var ram = new RamPlan(tmpfsSize ?? SizeSpec.OfPercent(50), RamMount, "", RamSnapshotMount, size);
        WritableLayer writable = new LiveOsOverlay(persistent, path, liveDir, overlayfs,
            c.Has("rd.live.overlay.readonly") || IsTrue(c, "rd.overlay.readonly"),
            c.Has("rd.live.overlay.reset") || IsTrue(c, "rd.overlay.reset"), LiveOsOverlay.DefaultDeviceMountPoint,
            ram);
        if (Crypt(c, d, wait, persistent, ram) is { } crypt)
        {
            writable = crypt;
            auto = null;
        }

        return new BootPlan(Name, medium, image, new SrmPlan(false, liveDir, ".srm"), writable,
            new RemasterPlan(RemasterAction.None, liveDir, squash, false, ""),
            net is null ? new HomePlan($"{liveDir}/home.img", false) : null,
            CommonParameters.Failure(c, d), CommonParameters.Init(c, d), CommonParameters.Log(c, d), d.Items,
            new LayoutPlan([], MediumLink: LayoutPlan.DracutLiveDev, MediumMayBeImage: true), ImageFile: isoFile,
            Net: net, AutoOverlay: auto);
    }

    /// <summary>dracut's autooverlay: only for a device named by <c>LABEL=</c> with no <c>:path</c> (as
    /// create-overlay.sh requires); the filesystem is <c>rd.live.overlay.cowfs</c> (ext4).</summary>
    private static AutoOverlayPlan? AutoOverlay(KernelCommandLine c, Diagnostics d, DeviceSpec? dev, string? path)
    {
        var cowfs = c.Find("rd.live.overlay.cowfs");
        var fs = string.IsNullOrEmpty(cowfs?.Value) ? "ext4" : cowfs.Value;
        if (dev is not { Kind: DeviceSpecKind.Label } || path is not null)
        {
            if (cowfs is not null)
                d.Warn("rd.live.overlay.cowfs", "only used by an autooverlay (rd.overlay=LABEL=<name>), not here");
            return null;
        }
        if (AutoOverlayPlan.CanMake(fs)) return new AutoOverlayPlan(dev.Value, fs);
        d.Warn("rd.live.overlay.cowfs", $"'{fs}': LiveInit makes ext4, ext3 or ext2 overlay partitions; no autooverlay "
                                        + "(a missing overlay device means RAM)");
        return null;
    }

    /// <summary>dracut-ng's overlay parameters: <c>rd.overlay</c> is the new name of <c>rd.live.overlay</c>. Bare,
    /// <c>=1</c> (or yes/on) it asks for an overlayfs root with the changes in RAM; <c>=0</c> (no/off) for no
    /// overlayfs (dmsquash-live's default, RAM too); <c>=tmpfs:size=N</c> sizes that RAM; any other value names the
    /// persistent overlay device. A boolean rd.overlay takes the device from the deprecated rd.live.overlay, as
    /// dracut-ng's get_rd_overlay does. Returns the device text (with its optional :path), or null.</summary>
    private static string? Overlay(KernelCommandLine c, Diagnostics d, out string key, out bool overlayfs,
        out SizeSpec? tmpfsSize)
    {
        tmpfsSize = null;
        key = "rd.overlay";
        var ng = c.Find("rd.overlay");
        var value = ng is null ? null : ng.Value ?? "";
        var isBool = value is null or "" or "1" or "0" or "yes" or "no" or "on" or "off" or "true" or "false";
        overlayfs = c.Has("rd.live.overlay.overlayfs")
                    || (ng is not null && value is not ("0" or "no" or "off" or "false"));
        string? device = null;
        if (value is not null && value.StartsWith("tmpfs", StringComparison.Ordinal))
        {
            foreach (var opt in value.Length > 6 ? value[6..].Split(',') : [])
            {
                var eq = opt.IndexOf('=');
                var (k, v) = eq < 0 ? (opt, "") : (opt[..eq], opt[(eq + 1)..]);
                if (k == "size" && SizeSpec.TryParse(v, out var sz)) tmpfsSize = sz;
                else if (k is "nr_inodes" or "nr_blocks") { }   // limits LiveInit leaves to the tmpfs default
                else d.Warn("rd.overlay", $"tmpfs option '{opt}' is not used (size=N[M|G|%] is)");
            }
        }
        else if (value is not null && !isBool) device = value;
        if (device is null && c.Find("rd.live.overlay") is { } old)
        {
            key = "rd.live.overlay";
            if (string.IsNullOrEmpty(old.Value))
                d.Error(key, "needs a device, e.g. rd.overlay=LABEL=LIVE; changes stay in RAM");
            else device = old.Value;
        }
        else if (device is not null && c.Has("rd.live.overlay"))
            d.Warn("rd.live.overlay", "rd.overlay names the overlay device too and wins");
        return device;
    }

    private static bool IsTrue(KernelCommandLine c, string key) =>
        c.Find(key) is { } p && p.Value is null or "" or "1" or "yes" or "on" or "true";

    /// <summary><c>root=DEVICE rd.overlay[=…]</c>: the root device is the medium and the only lower layer; the
    /// overlay device (if any) holds <c>overlay/</c> and <c>ovlwork/</c> at its top, created when missing.</summary>
    private BootPlan OverlayRoot(KernelCommandLine c, Diagnostics d, int wait, bool rw)
    {
        var rootText = c.Get("root")!;
        if (!DeviceSpec.TryParse(rootText, out var spec, out var err))
            d.Error("root", $"root={rootText}: {err}; no root device to put the overlay on");
        var medium = new MediumPlan(spec, null, ScanScope.All, OverlayRootPlan.RootBase, wait, rw);
        var image = new ImagePlan([], ImageCopy.No, null, [], OverlayRootPlan.RootBase);
        var ov = Overlay(c, d, out var key, out var overlayfs, out var tmpfsSize);
        DeviceSpec? persistent = null;
        if (ov is not null)
        {
            if (ov.Contains(':') && !ov.StartsWith("/dev/", StringComparison.Ordinal))
                d.Warn(key, "a :path is not used over a normal root (the changes go to /overlay on the device)");
            var devText = ov.StartsWith("/dev/", StringComparison.Ordinal) || !ov.Contains(':')
                ? ov : ov[..ov.IndexOf(':')];
            if (DeviceSpec.TryParse(devText, out var dev, out var derr)) persistent = dev;
            else d.Error(key, $"{derr}; changes stay in RAM");
        }
        if (c.Find("rd.live.overlay.cowfs") is not null)
            d.Warn("rd.live.overlay.cowfs", "only used by an autooverlay of a live image, not over a normal root");
        var ram = new RamPlan(tmpfsSize ?? SizeSpec.OfPercent(50), RamMount, "", RamSnapshotMount, 32768);
        WritableLayer writable = new LiveOsOverlay(persistent,
            persistent is null ? null : OverlayRootPlan.UpperOnDevice, "",
            ForceOverlayfs: true, c.Has("rd.live.overlay.readonly") || IsTrue(c, "rd.overlay.readonly"),
            c.Has("rd.live.overlay.reset") || IsTrue(c, "rd.overlay.reset"), LiveOsOverlay.DefaultDeviceMountPoint,
            ram);
        var crypt = Crypt(c, d, wait, persistent, ram);
        if (crypt is not null)
        {
            writable = crypt;
            // rd.overlay.crypt implies an overlay: an rd.overlay=0 beside it is overruled, as in dracut-ng
            if (!overlayfs && c.Has("rd.overlay"))
                d.Warn("rd.overlay", "rd.overlay.crypt asks for an overlay; rd.overlay=0 is not used");
            overlayfs = true;
        }
        else if (!c.Has("rd.overlay")) overlayfs = true;   // a refused rd.overlay.crypt: the overlay in RAM
        return new BootPlan(Name, medium, image, new SrmPlan(false, "", ".srm"), writable,
            new RemasterPlan(RemasterAction.None, "", "", false, ""), null,
            CommonParameters.Failure(c, d), CommonParameters.Init(c, d), CommonParameters.Log(c, d), d.Items,
            OverlayRoot: new OverlayRootPlan(overlayfs, rw));
    }

    /// <summary>rd.overlay.crypt: the encrypted overlay, which wins over an overlay device named by rd.overlay (said
    /// in a warning); null when it is absent or refused (RAM).</summary>
    private static CryptOverlay? Crypt(KernelCommandLine c, Diagnostics d, int wait, DeviceSpec? persistent,
        RamPlan ram)
    {
        if (OverlayCryptParameter.Parse(c, d, wait) is not { } plan) return null;
        if (persistent is not null)
            d.Warn(OverlayCryptParameter.Key, $"the encrypted overlay on {plan.Device} is used; the overlay device "
                                              + $"{persistent} (rd.overlay) is not");
        if (c.Has("rd.live.overlay.readonly") || c.Has("rd.overlay.readonly") || c.Has("rd.overlay.reset")
            || c.Has("rd.live.overlay.reset"))
            d.Warn(OverlayCryptParameter.Key, "readonly and reset are not applied to the encrypted overlay");
        return new CryptOverlay(plan, ram);
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
