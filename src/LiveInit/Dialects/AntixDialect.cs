using LiveInit.Cmdline;
using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary>
/// antiX / MX live: medium by <c>bdev</c>/<c>buuid</c>/<c>blabel</c> or by searching the devices of
/// <c>from=</c> for <c>&lt;bdir&gt;/&lt;sqname&gt;</c>; live remastering (<c>linuxfs.new</c>, <c>rollback</c>,
/// <c>noremaster</c>); root and home persistence files <c>rootfs</c> and <c>homefs</c> next to linuxfs.
/// </summary>
public sealed class AntixDialect : IDialect
{
    public const string BootMount = "/live/boot-dev", ImageMount = "/live/linux", PersistMount = "/live/persist-root",
        StateFile = "/run/liveinit/remaster.conf", IsoDeviceMount = "/live/iso-dev";

    public string Name => "antix";
    public IReadOnlyList<string> MediumParameters { get; } = ["bdev", "buuid", "blabel", "bootlabel", "bdir", "fromiso"];
    public IReadOnlyList<string> Parameters { get; } =
    [
        "bdev", "buuid", "blabel", "bootlabel", "bdir", "from", "sqname", "sqext", "noremaster", "rollback",
        "persist_root", "persist_home", "persist_all", "persist_static", "persist", "toram", "btry", "fromiso",
    ];

    public BootPlan Build(KernelCommandLine c, Diagnostics d)
    {
        var bdir = CommonParameters.RelativeDir(c, d, "bdir", "antiX", allowLeadingSlash: true);
        var sqname = CommonParameters.Name(c, d, "sqname", "linuxfs");
        var sqext = c.Find("sqext");
        if (sqext is not null)
        {
            if (!string.IsNullOrEmpty(sqext.Value) && !sqext.Value.Contains('/') && !sqext.Value.Contains(".."))
                sqname = $"{sqname}.{sqext.Value}";
            else d.Error("sqext", $"'{sqext.Value}' must be a plain extension; using '{sqname}'");
        }
        var imagePath = $"{bdir}/{sqname}";
        var wait = CommonParameters.WaitSeconds(c, d, "btry");

        var (persistRoot, persistHome) = Persistence(c, d);
        var remasterAction = RemasterAction.ApplyPending;
        if (c.Has("noremaster")) remasterAction = RemasterAction.Disabled;
        if (c.Has("rollback"))
        {
            if (remasterAction == RemasterAction.Disabled) d.Warn("rollback", "noremaster is given too; rollback wins");
            remasterAction = RemasterAction.Rollback;
        }

        var scope = Scope(c, d);
        DeviceSpec? device = null;
        var named = new List<string>();
        foreach (var key in new[] { "bdev", "buuid", "blabel", "bootlabel" })
        {
            var p = c.Find(key);
            if (p is null) continue;
            DeviceSpec? spec = null;
            if (string.IsNullOrEmpty(p.Value)) d.Error(key, "has no value");
            else if (key == "bdev")
            {
                var text = p.Value.StartsWith("/dev/", StringComparison.Ordinal) || p.Value.Contains('=') ? p.Value : "/dev/" + p.Value;
                if (DeviceSpec.TryParse(text, out spec, out var err)) { } else d.Error(key, err!);
            }
            else spec = key == "buuid" ? new DeviceSpec(DeviceSpecKind.Uuid, p.Value) : DeviceSpec.ByLabel(p.Value);
            if (spec is null) continue;
            named.Add(key);
            device ??= spec;
        }
        if (named.Count > 1) d.Warn(named[1], $"{named[0]} is given too and wins (order: bdev, buuid, blabel)");

        // fromiso: bdev/buuid/blabel (or the from= search) name the device holding the ISO file; the ISO is the
        // medium. It is read-only: no remaster (antiX refuses it too) and no persistence files in it.
        var isoFile = ImageFileParameters.Find(c, d, "fromiso", IsoDeviceMount, device, scope);
        if (isoFile is not null)
        {
            if (remasterAction != RemasterAction.Disabled)
                d.Warn("fromiso", "live remastering needs a frugal install (linuxfs on a writable device), not an ISO "
                                  + "file: a waiting linuxfs.new is left alone");
            remasterAction = RemasterAction.None;
            if (persistRoot || persistHome)
                d.Warn("fromiso", "rootfs/homefs persistence files cannot live inside an ISO file; changes stay in RAM");
            persistRoot = persistHome = false;
            device = null;
        }
        var medium = new MediumPlan(device, device is null && isoFile is null ? imagePath : null, scope, BootMount, wait,
            ReadWrite: remasterAction is RemasterAction.ApplyPending or RemasterAction.Rollback || persistRoot || persistHome);
        var image = new ImagePlan([imagePath], c.Has("toram") ? ImageCopy.Yes : ImageCopy.No, null, [], ImageMount);
        var ram = RamPlan.Of(SizeSpec.OfPercent(50));
        WritableLayer writable = persistRoot
            ? new LoopFileUpper(null, $"{bdir}/rootfs", scope, true, LoopFileUpper.DefaultSearchMountPoint,
                LoopFileUpper.DefaultDeviceMountPoint, PersistMount, ram)
            : new RamUpper(ram);
        return new BootPlan(Name, medium, image, new SrmPlan(false, bdir, ".srm"), writable,
            new RemasterPlan(remasterAction, bdir, sqname, persistRoot, StateFile),
            persistHome ? new HomePlan($"{bdir}/homefs", true) : null,
            CommonParameters.Failure(c, d), CommonParameters.Init(c, d), CommonParameters.Log(c, d), d.Items,
            Layout: new LayoutPlan([], RemasterConf: LayoutPlan.AntixRemasterConf), ImageFile: isoFile);
    }

    private static (bool Root, bool Home) Persistence(KernelCommandLine c, Diagnostics d)
    {
        bool root = c.Has("persist_root") || c.Has("persist_static") || c.Has("persist_all");
        bool home = c.Has("persist_home") || c.Has("persist_all");
        var p = c.Find("persist");
        if (p is not null)
        {
            if (p.Value is null) { root = true; home = true; }
            else
                foreach (var part in p.Value.Split(',', StringSplitOptions.RemoveEmptyEntries))
                    switch (part)
                    {
                        case "root" or "static" or "r": root = true; break;
                        case "home" or "h": home = true; break;
                        case "all" or "a": root = home = true; break;
                        default: d.Error("persist", $"'{part}' is not root, home, static or all; ignored"); break;
                    }
        }
        return (root, home);
    }

    private static ScanScope Scope(KernelCommandLine c, Diagnostics d)
    {
        var from = c.Find("from");
        if (from is null) return ScanScope.Removable;
        var scope = ScanScope.Removable;
        foreach (var part in (from.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            switch (part)
            {
                case "usb" or "cd" or "mmc": break;
                case "hd" or "all": scope = ScanScope.All; break;
                default: d.Warn("from", $"'{part}' is not usb, cd, hd or mmc; ignored"); break;
            }
        return scope;
    }
}
