using LiveInit.Boot.Writable;
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

    public BootPlan Plan { get; private set; } = plan;
    /// <summary>The layout contracts' state: the layout detected, the plan it yields, the remaster result.</summary>
    public LayoutState Layout { get; } = new();
    /// <summary>Layout detection found the medium's layout: the rest of the boot runs that dialect's plan.</summary>
    public void Adopt(BootPlan next) => Plan = next;
    public BootLog Log { get; } = log;
    /// <summary>Each step's start and duration (<see cref="BootTimings"/>); null outside a boot.</summary>
    public BootTimings? Timings { get; set; }
    public ModuleLoader? Modules { get; set; }
    public UeventListener? Uevents { get; set; }
    public DeviceRegistry? Devices { get; set; }

    public ProbedDevice? Medium { get; set; }
    public string? ImageFile { get; set; }
    /// <summary>What each step of the root made, set by that step, read by the next (typed, no loose fields):
    /// the mounted image (<see cref="Steps.MountImage"/>), the SRM mount points, topmost first
    /// (<see cref="Steps.MountSrms"/>), the writable layer (<see cref="Steps.PrepareWritable"/>; replaced by
    /// <see cref="Steps.AssembleRoot"/> when it falls back to RAM).</summary>
    public MountedImage? Image { get; set; }
    public IReadOnlyList<string> SrmLayers { get; set; } = [];
    public WritableResult? Writable { get; set; }
    /// <summary>Paths kept on live-boot persistence volumes, mounted after the root (set by its strategy).</summary>
    public IReadOnlyList<PersistentPath> PersistentPaths { get; set; } = [];
    /// <summary>Mount trees outside /run that must be visible in the new root (antiX /live, SystemRescueCd-5 /livemnt).</summary>
    public List<string> ExtraMountRoots { get; } = [];
    public List<string> Notes { get; } = [];
    /// <summary>The network the bring-up configured (<see cref="Net.NetworkUp"/>), null without one.</summary>
    public Net.NetLease? Lease { get; set; }

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

    private Thread? _drivers;
    private readonly CancellationTokenSource _stopDrivers = new();
    private int _driversFinished;

    /// <summary>Background driver loads (coldplug, devices that appear later); set by the driver step.</summary>
    public DriverQueue? DriverLoads { get; set; }

    /// <summary>How long the switch to the real init waits for module loads still in flight.</summary>
    public const int FinishDriversMs = 3000;

    /// <summary>Runs coldplug on a background thread: the medium search starts at once and takes its device
    /// as soon as that device's driver is in, while slower hardware (ATA, optical drives) is still probing.</summary>
    public void StartDrivers(Action<CancellationToken> coldplug)
    {
        _drivers = new Thread(() =>
        {
            try { coldplug(_stopDrivers.Token); }
            catch (Exception e) when (Volatile.Read(ref _driversFinished) == 0)   // after that the log may be closed
            {
                Log.Warn($"loading drivers for the present hardware stopped: {e.Message}");
            }
            catch (Exception) { }
        }) { IsBackground = true, Name = "coldplug" };
        _drivers.Start();
    }

    /// <summary>Waits for the coldplug thread (before an error report lists devices), at most
    /// <paramref name="timeoutMs"/>.</summary>
    public void WaitForDrivers(int timeoutMs) => _drivers?.Join(timeoutMs);

    /// <summary>The root is assembled: no new driver loads (the live system's udev loads the rest); loads in
    /// flight get <see cref="FinishDriversMs"/> to end, then any still running is named and the boot goes on.
    /// A module still loading then is no danger to the switch: its insert runs in the helper process, which
    /// holds the module file open (deleting the initramfs only unlinks it: the memory goes when the file is
    /// closed) and is reaped by the real init. Only when the helper could not start (a warning said so) does the
    /// insert run on a thread of PID 1, and then execve waits for it.</summary>
    public void FinishDrivers()
    {
        if (Interlocked.Exchange(ref _driversFinished, 1) == 1) return;
        _stopDrivers.Cancel();
        DriverLoads?.Stop();
        if (Modules is null) return;
        Modules.Close();
        var end = Environment.TickCount64 + FinishDriversMs;
        _drivers?.Join((int)Math.Max(0, end - Environment.TickCount64));
        Modules.WaitInFlight((int)Math.Max(0, end - Environment.TickCount64));
        Modules.NameInFlight();
        Modules.Dispose();
    }

    /// <summary>Modules the plan needs (loop, squashfs, overlay…), queued by the driver step behind the storage
    /// drivers so they load while the medium is awaited.</summary>
    public IReadOnlyList<string> PlanModules { get; set; } = [];

    /// <summary>Waits for (or loads) <see cref="PlanModules"/>: called before the first image is mounted.</summary>
    public void AwaitPlanModules()
    {
        if (Modules is null) return;
        foreach (var m in PlanModules) Modules.Load(m, quietIfUnknown: m is "erofs");
    }

    /// <summary>Before an emergency shell: the drivers a boot-only coldplug left out (keyboards behind USB HID),
    /// so the person at the console can type; at most <paramref name="timeoutMs"/>.</summary>
    public void LoadRemainingDrivers(int timeoutMs = 5000)
    {
        if (Modules is null || Plan.Drivers is { Coldplug: ColdplugScope.All } || Volatile.Read(ref _driversFinished) == 1)
            return;
        var all = new DriverQueue(Modules, Log.Trace);
        var t = new Thread(() =>
        {
            try { Coldplug.Run(all); }
            catch (Exception) { }   // a shell without them is still a shell
        }) { IsBackground = true, Name = "coldplug-all" };
        t.Start();
        t.Join(timeoutMs);
    }

    public DeviceRegistry RequireDevices() =>
        Devices ??= new DeviceRegistry(Uevents, alias => DriverLoads?.Enqueue(alias), Log.Trace);

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

    public void Dispose()
    {
        Uevents?.Dispose();
        _stopDrivers.Dispose();
    }
}
