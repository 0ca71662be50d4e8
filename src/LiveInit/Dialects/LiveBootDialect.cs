using LiveInit.Cmdline;
using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary>
/// Debian live-boot (<c>boot=live</c>: Debian Live, Kali, Clonezilla, GParted Live): the medium is the device
/// holding <c>&lt;live-media-path&gt;/filesystem.squashfs</c> (default folder <c>live</c>), or the one
/// <c>live-media=</c>/<c>bootfrom=</c> names; <c>findiso=</c> boots an ISO file found on any device; <c>toram</c>
/// copies the image to RAM; <c>persistence</c> uses every volume labelled <c>persistence-label=</c> (default
/// <c>persistence</c>) that holds a <c>persistence.conf</c>. Mount points are live-boot's own (/run/live/…).
/// </summary>
public sealed class LiveBootDialect : IDialect
{
    public const string BootMount = "/run/live/medium", ImageMount = "/run/live/rootfs/filesystem.squashfs",
        FindIsoMount = "/run/live/findiso", RamMount = "/run/live/overlay";

    public string Name => "live-boot";
    public IReadOnlyList<string> MediumParameters { get; } = ["boot"];
    public IReadOnlyList<string> Parameters { get; } =
    [
        "boot", "live-media", "bootfrom", "live-media-label", "live-media-path", "live-media-timeout", "toram",
        "findiso", "persistence", "persistence-label", "persistence-path", "persistence-read-only",
        "nopersistence", "fetch",
    ];

    /// <summary>True when <c>boot=live</c> is given (the claim of this dialect; other <c>boot=</c> values belong
    /// to other initramfs generators).</summary>
    public static bool HasBootLive(KernelCommandLine c) => c.Get("boot") == "live";

    public BootPlan Build(KernelCommandLine c, Diagnostics d)
    {
        if (!HasBootLive(c))
            d.Warn("boot", $"'{c.Get("boot")}' is not 'live'; reading the live-boot parameters anyway");
        var dir = CommonParameters.RelativeDir(c, d, "live-media-path", "live", allowLeadingSlash: true);
        var image = $"{dir}/filesystem.squashfs";
        var wait = CommonParameters.WaitSeconds(c, d, "live-media-timeout");
        var (device, scope) = Medium(c, d);
        var net = Fetch(c, d, dir);
        var isoFile = net is null ? ImageFileParameters.Find(c, d, "findiso", FindIsoMount, device, scope) : null;
        var medium = isoFile is not null || net is not null
            ? new MediumPlan(null, null, ScanScope.All, BootMount, wait, false)
            : new MediumPlan(device, device is null ? image : null, scope, BootMount, wait, false);

        var ram = RamPlan.Of(SizeSpec.OfPercent(50), RamMount);
        WritableLayer writable = new RamUpper(ram);
        if (c.Has("persistence") && c.Has("nopersistence"))
            d.Warn("persistence", "nopersistence is given too and wins, as in live-boot; changes stay in RAM");
        else if (c.Has("persistence"))
            writable = new LiveBootPersistence(Labels(c, d), c.Has("persistence-read-only"),
                LiveBootPersistence.DefaultMountRoot, ram, FileFolder(c, d));
        else if (c.Has("persistence-label") || c.Has("persistence-read-only") || c.Has("persistence-path"))
            d.Warn("persistence", "persistence-* options have no effect without 'persistence'");

        return new BootPlan(Name, medium, new ImagePlan([image], c.Has("toram") ? ImageCopy.Yes : ImageCopy.No, null,
                [], ImageMount),
            new SrmPlan(net is null, dir, ".squashfs", "/run/live/rootfs", LastOnTop: true), writable,
            new RemasterPlan(RemasterAction.None, dir, "filesystem.squashfs", false, ""), null,
            CommonParameters.Failure(c, d), CommonParameters.Init(c, d), CommonParameters.Log(c, d), d.Items,
            ImageFile: isoFile, Net: net);
    }

    /// <summary>live-boot's <c>fetch=URL</c> (do_httpmount): the network comes up as live-boot's do_netsetup
    /// brings it (ip=, else DHCP); a <c>.squashfs</c> is downloaded into a tmpfs mounted at
    /// /run/live/medium (live-boot mounts a ramfs there) and is the image (the only one: no other module is
    /// stacked); an <c>.iso</c> is downloaded into RAM and loop-mounted at /run/live/medium, its
    /// <c>&lt;live-media-path&gt;/filesystem.squashfs</c> the image. <c>http:///path</c> (three slashes) means the
    /// boot server (live-boot's ROOTSERVER: ip='s server field, else the DHCP server). The addresses stay
    /// configured for the live system, as live-boot leaves them. .tgz/.tar (unpacked into RAM by live-boot) and
    /// tftp:// are not supported.</summary>
    private static NetPlan? Fetch(KernelCommandLine c, Diagnostics d, string dir)
    {
        if (!c.Has("fetch")) return null;
        var value = c.Get("fetch");
        if (value is not null && value.Contains(":///", StringComparison.Ordinal))
            value = value.Replace(":///", "://" + NbdSource.PxeServer + "/", StringComparison.Ordinal);
        var url = NetParameters.Url(d, "fetch", value);
        if (url is null) return null;
        var ext = Path.GetExtension(url.Split('?', '#')[0]).ToLowerInvariant();
        if (ext is ".tgz" or ".tar")
        {
            d.Error("fetch", $"'{url}': a {ext} root (unpacked into RAM by live-boot) is not supported; serve the "
                + "filesystem.squashfs or the ISO instead");
            return null;
        }
        if (ext is not (".squashfs" or ".iso"))
            d.Warn("fetch", $"'{url}' ends in neither .squashfs nor .iso (live-boot refuses it); fetching it anyway: "
                + "an ISO is recognised by its content, anything else is mounted as the image");
        var ip = NetParameters.Ip(c, d, needed: true, "fetch=")!;
        if (c.Has("findiso")) d.Warn("findiso", "fetch= is given too and wins");
        var inner = $"{dir}/filesystem.squashfs";   // in an ISO, whatever its name
        var image = ext == ".iso"
            ? new NetImage(url, NetImageKind.Iso, NetImage.DefaultRamDir, inner, BootMount)
            : new NetImage(url, NetImageKind.Squashfs, BootMount, inner, NetImage.DefaultIsoMountPoint);
        return new NetPlan(ip, image, [], NetPlan.DefaultLeaseDir, FlushAtSwitch: false);
    }

    /// <summary>live-media= / bootfrom=: a device (<c>/dev/sdb1</c>, <c>sdb1</c>, <c>LABEL=</c>…) or
    /// <c>removable</c>/<c>removable-usb</c> (search those only); live-media-label=: a label.</summary>
    private static (DeviceSpec?, ScanScope) Medium(KernelCommandLine c, Diagnostics d)
    {
        var key = c.Has("live-media") ? "live-media" : "bootfrom";
        if (c.Has("live-media") && c.Has("bootfrom")) d.Warn("bootfrom", "live-media= is given too and wins");
        var value = c.Get(key);
        DeviceSpec? device = null;
        var scope = ScanScope.All;
        if (value is "removable" or "removable-usb") scope = ScanScope.Removable;
        else if (c.Has(key))
        {
            var text = value is null || value.StartsWith("/dev/", StringComparison.Ordinal) || value.Contains('=')
                ? value : "/dev/" + value;
            if (DeviceSpec.TryParse(text, out device, out var err)) { }
            else d.Error(key, $"{err}; searching every device");
        }
        var label = c.Find("live-media-label");
        if (label is not null)
        {
            if (string.IsNullOrEmpty(label.Value)) d.Error("live-media-label", "has no value");
            else if (device is not null) d.Warn("live-media-label", $"{key}= is given too and wins");
            else device = DeviceSpec.ByLabel(label.Value);
        }
        return (device, scope);
    }

    /// <summary>persistence-path=: the folder of persistence files on each device (default its root).</summary>
    private static string FileFolder(KernelCommandLine c, Diagnostics d)
    {
        var p = c.Find("persistence-path");
        if (p is null || p.Value is "/" or "") return "";
        if (RelativePath.TryNormalizeRooted(p.Value, out var folder, out var err)) return folder;
        d.Error("persistence-path", $"{err}; looking for persistence files at the root of each device");
        return "";
    }

    private static IReadOnlyList<string> Labels(KernelCommandLine c, Diagnostics d)
    {
        var p = c.Find("persistence-label");
        if (p is null) return [LiveBootPersistence.DefaultLabel];
        var labels = (p.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Length <= 255 && !LiveInit.Text.Chars.Any(l, char.IsControl)).Distinct().Take(16).ToList();
        if (labels.Count > 0) return labels;
        d.Error("persistence-label", $"names no usable label; using '{LiveBootPersistence.DefaultLabel}'");
        return [LiveBootPersistence.DefaultLabel];
    }
}
