using LiveInit.Cmdline;
using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary>
/// archiso (Arch Linux) and SystemRescue 6+: medium by <c>archisolabel</c>/<c>archisodevice</c>/
/// <c>archisosearchuuid</c>, image <c>&lt;archisobasedir&gt;/&lt;arch&gt;/airootfs.sfs</c>, persistence by
/// <c>cow_label</c>/<c>cow_device</c> in <c>cow_directory</c>, SRM modules with <c>loadsrm</c>.
/// SystemRescue flavour (archisobasedir=sysresccd): cow_spacesize defaults to 25% of RAM instead of 256M.
/// </summary>
public sealed class ArchisoDialect : IDialect
{
    public const string BootMount = "/run/archiso/bootmnt", CowMount = "/run/archiso/cowspace",
        ImageMount = "/run/archiso/airootfs", ImageDeviceMount = "/run/archiso/img_dev";

    public string Name => "archiso";
    public IReadOnlyList<string> MediumParameters { get; } =
        ["archisolabel", "archisodevice", "archisosearchuuid", "img_dev", "img_label", "img_loop", "archiso_http_srv",
            NbdParameters.ArchisoServer, NfsParameters.ArchisoServer];
    public IReadOnlyList<string> Parameters { get; } =
    [
        "archisolabel", "archisodevice", "archisosearchuuid", "archisobasedir", "arch", "cow_label", "cow_device",
        "cow_directory", "cow_flags", "cow_spacesize", "loadsrm", "copytoram", "checksum", "archiso_http_srv",
        "img_dev", "img_label", "img_loop", "img_flags", NbdParameters.ArchisoServer, NbdParameters.ArchisoName,
        NfsParameters.ArchisoServer, NfsParameters.ArchisoOptions,
    ];

    /// <summary>archiso_pxe_http's tmpfs for the fetched image.</summary>
    public const string HttpSpace = "/run/archiso/httpspace";

    public BootPlan Build(KernelCommandLine c, Diagnostics d)
    {
        var basedir = CommonParameters.RelativeDir(c, d, "archisobasedir", "arch", allowLeadingSlash: false);
        var arch = CommonParameters.Name(c, d, "arch", "x86_64");
        var label = c.Get("archisolabel");
        if (c.Has("archisolabel") && string.IsNullOrEmpty(label)) { d.Error("archisolabel", "has no value"); label = null; }
        var sysrescue = basedir == "sysresccd";
        var imageDir = $"{basedir}/{arch}";

        var isoFile = ImageFileParameters.Archiso(c, d, ImageDeviceMount);
        var net = Http(c, d, imageDir);
        var medium = isoFile is null && net is null ? Medium(c, d, label, imageDir)
            : new MediumPlan(null, null, ScanScope.All, BootMount, CommonParameters.WaitSeconds(c, d), false);
        var nbd = net is null ? NbdParameters.Archiso(c, d) : null;
        if (nbd is not null)
        {
            // archiso_pxe_nbd: the export is the medium at /dev/nbd0; copytoram unless copytoram=n
            if (c.Has("archisodevice") || label is not null || c.Has("archisosearchuuid"))
                d.Warn(NbdParameters.ArchisoServer, "wins: the medium is the NBD export");
            medium = medium with { Device = new DeviceSpec(DeviceSpecKind.Path, nbd.Device), SearchFile = null, Nbd = nbd };
        }
        else if (net is not null && c.Has(NbdParameters.ArchisoServer))
            d.Warn(NbdParameters.ArchisoServer, "archiso_http_srv is given too and wins");
        // archiso_pxe_nfs: the export is the medium at bootmnt; copytoram unless copytoram=n
        var nfs = net is null && nbd is null ? NfsParameters.Archiso(c, d) : null;
        if (nfs is not null)
            medium = new MediumPlan(null, null, ScanScope.All, BootMount, CommonParameters.WaitSeconds(c, d), false);
        else if (c.Has(NfsParameters.ArchisoServer))
            d.Warn(NfsParameters.ArchisoServer, $"{(net is null ? "archiso_nbd_srv" : "archiso_http_srv")} is given too and wins");
        var image = new ImagePlan(
            [$"{imageDir}/airootfs.sfs", $"{imageDir}/airootfs.erofs"],
            net is not null || ((nbd ?? (object?)nfs) is not null && !c.Has("copytoram")) ? ImageCopy.Yes : CopyMode(c, d),
            CommonParameters.Flag(c, d, "checksum") ? $"{imageDir}/airootfs.sha512" : null,
            ["airootfs.img"],
            ImageMount);
        var srm = new SrmPlan(CommonParameters.Flag(c, d, "loadsrm"), basedir, ".srm");

        var ramSize = CommonParameters.Size(c, d, "cow_spacesize", sysrescue ? SizeSpec.OfPercent(25) : SizeSpec.OfMiB(256));
        var cowDir = CowDirectory(c, d, label, arch);
        // in RAM too, upper and work are archiso's own <cow_directory>/upperdir on /run/archiso/cowspace
        var ram = RamPlan.Of(ramSize, CowMount, cowDir ?? "");
        WritableLayer writable = new RamUpper(ram);
        var cowLabel = c.Find("cow_label");
        var cowDevice = CommonParameters.Device(c, d, "cow_device");
        DeviceSpec? cow = null;
        if (cowLabel is not null)
        {
            if (string.IsNullOrEmpty(cowLabel.Value)) d.Error("cow_label", "has no value; changes stay in RAM");
            else cow = DeviceSpec.ByLabel(cowLabel.Value);
            if (cowDevice is not null) d.Warn("cow_device", "cow_label is given too and wins, as in archiso");
        }
        else cow = cowDevice;
        if (cow is null)
        {
            if (c.Has("cow_flags")) d.Warn("cow_flags", "has no effect without cow_label= or cow_device=");
        }
        else if (cowDir is null)
            d.Warn(cowLabel is not null ? "cow_label" : "cow_device",
                $"not used: there is no usable persistence folder (see above); changes stay in RAM at {CowMount}");
        else
        {
            var flags = c.Get("cow_flags") ?? "defaults";
            if (flags.Length == 0) flags = "defaults";
            writable = new DirectoryUpper(cow, $"{cowDir}/upperdir", $"{cowDir}/workdir", flags, CowMount, ram);
        }

        return new BootPlan(sysrescue ? "archiso (SystemRescue)" : Name, medium, image, srm, writable,
            new RemasterPlan(RemasterAction.None, imageDir, "airootfs.sfs", false, ""), null,
            CommonParameters.Failure(c, d), CommonParameters.Init(c, d), CommonParameters.Log(c, d), d.Items,
            ImageFile: isoFile, Net: net ?? NfsNet(c, d, nfs, image.CopyToRam), Nfs: nfs);
    }

    /// <summary>The network for an NFS medium (ip=, else DHCP); flushed at switch_root only when the image was
    /// copied to RAM (archiso_pxe_common), since a root read over NFS needs the network.</summary>
    private static NetPlan? NfsNet(KernelCommandLine c, Diagnostics d, NfsSource? nfs, ImageCopy copy) =>
        nfs is null ? null : new NetPlan(NetParameters.Ip(c, d, needed: true, "archiso_nfs_srv=")!, null, [],
            NetPlan.DefaultLeaseDir, FlushAtSwitch: copy == ImageCopy.Yes);

    /// <summary>archiso_pxe_http: <c>archiso_http_srv=http://SERVER/</c> (may hold ${pxeserver}) with ip=; the
    /// image is <c>&lt;srv&gt;&lt;archisobasedir&gt;/&lt;arch&gt;/airootfs.sfs</c>, fetched into RAM (archiso forces
    /// copytoram there), and the addresses are flushed at switch_root, as archiso_pxe_common does.</summary>
    private static NetPlan? Http(KernelCommandLine c, Diagnostics d, string imageDir)
    {
        if (!c.Has("archiso_http_srv")) return null;
        var srv = NetParameters.Url(d, "archiso_http_srv", c.Get("archiso_http_srv"));
        if (srv is null) return null;
        var ip = NetParameters.Ip(c, d, needed: true, "archiso_http_srv=")!;
        var dir = (srv.EndsWith('/') ? srv : srv + "/") + imageDir;
        var sum = CommonParameters.Flag(c, d, "checksum") ? dir + "/airootfs.sha512" : null;
        return new NetPlan(ip, new NetImage(dir + "/airootfs.sfs", NetImageKind.Squashfs, HttpSpace, null,
            NetImage.DefaultIsoMountPoint, sum), [], NetPlan.DefaultLeaseDir, FlushAtSwitch: true);
    }

    /// <summary>cow_directory, or archiso's default <c>persistent_&lt;archisolabel&gt;/&lt;arch&gt;</c>. Both end in
    /// overlayfs options, so both pass the same check (relative, no '..', no ',' ':' or control characters; the
    /// label-derived name is one folder). Null when neither is usable: changes then stay in RAM at the top of the
    /// tmpfs.</summary>
    private static string? CowDirectory(KernelCommandLine c, Diagnostics d, string? label, string arch)
    {
        var built = $"persistent_{label}/{arch}";
        string? fallback = null;
        if (!RelativePath.TryName($"persistent_{label}", out var err)
            || !RelativePath.TryNormalizeForOverlay(built, out fallback, out err))
        {
            fallback = null;
            if (!c.Has("cow_directory"))
                d.Warn("archisolabel", $"the default cow_directory built from it, persistent_<archisolabel>/{arch}: "
                                       + $"{err}; give cow_directory=; changes stay at the top of the RAM layer "
                                       + CowMount);
        }
        var p = c.Find("cow_directory");
        if (p is null) return fallback;
        if (RelativePath.TryNormalizeForOverlay(p.Value, out var typed, out err)) return typed;
        d.Error("cow_directory", $"{err}; " + (fallback is null
            ? "and the default from archisolabel is not usable either: changes stay at the top of the RAM layer "
              + CowMount
            : $"using '{fallback}'"));
        return fallback;
    }

    private static MediumPlan Medium(KernelCommandLine c, Diagnostics d, string? label, string imageDir)
    {
        var wait = CommonParameters.WaitSeconds(c, d);
        var search = c.Find("archisosearchuuid");
        if (search is not null)
        {
            if (!string.IsNullOrEmpty(search.Value) && RelativePath.TryNormalize(search.Value, out var u, out _) && !u.Contains('/'))
            {
                if (c.Has("archisodevice") || label is not null)
                    d.Warn("archisosearchuuid", "wins over archisolabel/archisodevice, as in archiso");
                return new MediumPlan(null, $"boot/{u}.uuid", ScanScope.All, BootMount, wait, false);
            }
            d.Error("archisosearchuuid", $"'{search.Value}' is not a plain UUID string; ignored");
        }
        var device = CommonParameters.Device(c, d, "archisodevice");
        if (device is not null)
        {
            if (label is not null) d.Warn("archisolabel", "archisodevice is given too and wins, as in archiso");
            return new MediumPlan(device, null, ScanScope.All, BootMount, wait, false);
        }
        if (label is not null) return new MediumPlan(DeviceSpec.ByLabel(label), null, ScanScope.All, BootMount, wait, false);
        if (c.Has(NbdParameters.ArchisoServer) || c.Has(NfsParameters.ArchisoServer)) return new MediumPlan(null, null, ScanScope.All, BootMount, wait, false);
        d.Error("archisolabel", $"neither archisolabel= nor archisodevice= names the medium; searching every device for {imageDir}/airootfs.sfs");
        return new MediumPlan(null, $"{imageDir}/airootfs.sfs", ScanScope.All, BootMount, wait, false);
    }

    private static ImageCopy CopyMode(KernelCommandLine c, Diagnostics d)
    {
        var p = c.Find("copytoram");
        if (p is null) return ImageCopy.Auto;
        switch (p.Value?.ToLowerInvariant())
        {
            case null or "y" or "yes" or "1": return ImageCopy.Yes;
            case "n" or "no" or "0": return ImageCopy.No;
            case "auto": return ImageCopy.Auto;
            default:
                d.Error("copytoram", $"'{p.Value}' is not y, n or auto; using auto");
                return ImageCopy.Auto;
        }
    }
}
