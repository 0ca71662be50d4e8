using LiveInit.Cmdline;
using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary>
/// SystemRescueCd 5.x: image <c>sysrcd.dat</c> (under <c>subdir=</c>) found by searching the devices;
/// backing store <c>sysrcd.bs</c> (an ext image) at the root of a removable device, or as <c>backstore=</c>
/// says: <c>off</c>, <c>alldev</c>, a path, or <c>alldev,/path/file.bs</c>.
/// </summary>
public sealed class SysrescueCd5Dialect : IDialect
{
    public const string IsoLoopMount = "/livemnt/isoloop";
    public const string BootMount = "/livemnt/boot", ImageMount = "/livemnt/squashfs", StoreMount = "/livemnt/memory";

    public string Name => "sysresccd5";
    public IReadOnlyList<string> MediumParameters { get; } = ["backstore", "subdir", "isoloop"];
    public IReadOnlyList<string> Parameters { get; } = ["backstore", "subdir", "docache", "isoloop"];

    /// <summary>The backing store: candidates looked into read-only at /run/liveinit/search, the device holding it
    /// mounted read-write at /run/liveinit/store, the image itself at /livemnt/memory.</summary>
    private static LoopFileUpper Store(string file, ScanScope scope, RamPlan ram) =>
        new(null, file, scope, false, LoopFileUpper.DefaultSearchMountPoint, LoopFileUpper.DefaultDeviceMountPoint,
            StoreMount, ram);

    public BootPlan Build(KernelCommandLine c, Diagnostics d)
    {
        var subdir = c.Has("subdir") ? CommonParameters.RelativeDir(c, d, "subdir", "", allowLeadingSlash: true) : "";
        var image = subdir.Length == 0 ? "sysrcd.dat" : $"{subdir}/sysrcd.dat";
        var ram = RamPlan.Of(SizeSpec.OfPercent(50));
        WritableLayer writable = Store("sysrcd.bs", ScanScope.Removable, ram);
        var bs = c.Find("backstore");
        if (bs is not null)
        {
            var scope = ScanScope.Removable;
            var file = "sysrcd.bs";
            var off = false;
            foreach (var part in (bs.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == "off") off = true;
                else if (part == "alldev") scope = ScanScope.All;
                else if (RelativePath.TryNormalizeRooted(part, out var n, out var err)) file = n;
                else d.Error("backstore", $"path {err}; using /sysrcd.bs");
            }
            if (bs.Value is null) d.Warn("backstore", "has no value; looking for /sysrcd.bs on removable devices");
            writable = off ? new RamUpper(ram) : Store(file, scope, ram);
        }
        var isoFile = ImageFileParameters.Find(c, d, "isoloop", IsoLoopMount);
        var medium = new MediumPlan(null, isoFile is null ? image : null, ScanScope.All, BootMount,
            CommonParameters.WaitSeconds(c, d), false);
        return new BootPlan(Name, medium,
            new ImagePlan([image], c.Has("docache") ? ImageCopy.Yes : ImageCopy.No, null, [], ImageMount),
            new SrmPlan(false, subdir, ".srm"), writable,
            new RemasterPlan(RemasterAction.None, subdir, "sysrcd.dat", false, ""), null,
            CommonParameters.Failure(c, d), CommonParameters.Init(c, d), CommonParameters.Log(c, d), d.Items,
            Layout: new LayoutPlan([], Aliases: [new RootAlias(StoreMount, "/mnt/memory")]), ImageFile: isoFile);
    }
}
