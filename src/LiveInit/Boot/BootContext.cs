using LiveInit.Devices;
using LiveInit.Modules;
using LiveInit.Plan;

namespace LiveInit.Boot;

/// <summary>What the steps share while the boot runs: the plan, the log, the devices and modules, and the
/// pieces of the root as they are assembled.</summary>
public sealed class BootContext(BootPlan plan, BootLog log, BootOptions? options = null) : IDisposable
{
    public BootOptions Options { get; } = options ?? BootOptions.Default;
    /// <summary>Where the new root is assembled (/sysroot, or what an embedding initramfs asks for).</summary>
    public string NewRoot => Options.NewRoot;

    public BootPlan Plan { get; } = plan;
    public BootLog Log { get; } = log;
    public ModuleLoader? Modules { get; set; }
    public UeventListener? Uevents { get; set; }
    public DeviceRegistry? Devices { get; set; }

    public ProbedDevice? Medium { get; set; }
    public string? ImageFile { get; set; }
    /// <summary>An ext image inside the squashfs (Fedora LiveOS rootfs.img, archiso airootfs.img).</summary>
    public string? InnerRootfs { get; set; }
    /// <summary>overlayfs lower directories, topmost first.</summary>
    public List<string> LowerDirs { get; } = [];
    public string? UpperDir { get; set; }
    public string? WorkDir { get; set; }
    /// <summary>COW file of a dm-snapshot root (over <see cref="InnerRootfs"/>), and whether it persists.</summary>
    public string? CowFile { get; set; }
    public bool CowPersistent { get; set; }
    /// <summary>Block device holding the dm-snapshot root, when the root is not overlayfs.</summary>
    public string? RootDevice { get; set; }
    /// <summary>Mount trees outside /run that must be visible in the new root (antiX /live, SystemRescueCd-5 /livemnt).</summary>
    public List<string> ExtraMountRoots { get; } = [];
    public List<string> Notes { get; } = [];

    /// <summary>Mount points outside /run (antiX /live, SystemRescueCd-5 /livemnt) sit on a small tmpfs of
    /// their own, so the whole tree can be moved into the new root.</summary>
    public void EnsureMountTree(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || parts[0] == "run") return;
        var top = "/" + parts[0];
        if (ExtraMountRoots.Contains(top)) return;
        if (!Mounts.IsMountPoint(top)) Mounts.MountTmpfs(top, "size=1m,mode=0755");
        ExtraMountRoots.Add(top);
    }

    public DeviceRegistry RequireDevices() =>
        Devices ??= new DeviceRegistry(Uevents, Modules, Log.Trace);

    /// <summary>Loads the module for a filesystem type unless the kernel already knows it.</summary>
    public void EnsureFilesystem(string type)
    {
        if (KernelKnows(type) || Modules is null) return;
        var module = type switch { "iso9660" => "isofs", "crypto_LUKS" => "dm_crypt", _ => type };
        Modules.Load(module, quietIfUnknown: true);
        if (type is "vfat" or "msdos" or "exfat" or "iso9660" or "udf" or "ntfs3")
            foreach (var nls in new[] { "nls_cp437", "nls_ascii", "nls_utf8", "nls_iso8859_1" }) Modules.Load(nls, quietIfUnknown: true);
    }

    public static bool KernelKnows(string type)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/filesystems"))
                if (line.EndsWith("\t" + type, StringComparison.Ordinal)) return true;
        }
        catch (IOException) { }
        return false;
    }

    public void Dispose() => Uevents?.Dispose();
}
