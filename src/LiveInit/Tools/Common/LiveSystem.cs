using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Plan;

namespace LiveInit.Tools.Common;

/// <summary>What the tools need to know about the running live system: its mounts, the writable layer of /
/// (the overlayfs upperdir, or the dm-snapshot device), whether systemd runs it, and the boot plan LiveInit
/// followed (read again from /proc/cmdline: the same parameters give the same plan).</summary>
public sealed class LiveSystem(MountTable mounts, Func<BootPlan?> plan)
{
    private BootPlan? _plan;
    private bool _planRead;

    public MountTable Mounts { get; } = mounts;

    public static LiveSystem Current() => new(MountTable.Read(), () =>
    {
        try { return DialectSelector.Plan(KernelCommandLine.FromProc()); }
        catch (IOException) { return null; }
    });

    public BootPlan? Plan
    {
        get
        {
            if (!_planRead) { _plan = plan(); _planRead = true; }
            return _plan;
        }
    }

    public MountEntry? Root => Mounts.At("/");

    /// <summary>The upper (writable) directory of the overlayfs mounted on /, checked to exist.</summary>
    public string UpperDir()
    {
        var root = Root ?? throw new ToolFailure("/proc/self/mountinfo lists no mount on /; is /proc mounted?");
        if (root.FsType != "overlay")
            throw new ToolFailure(root.Source.StartsWith("/dev/mapper/", StringComparison.Ordinal)
                ? $"/ is {root.FsType} on {root.Source}, a device-mapper snapshot: its changes are blocks, not "
                    + "files, so there is "
                  + "no upper layer to read. Use 'liveinit overlay status' for that kind of overlay."
                : $"/ is {root.FsType} on {root.Source}, not an overlayfs: this is not a live system with a "
                    + "copy-on-write layer");
        var upper = root.Option("upperdir")
            ?? throw new ToolFailure("the overlayfs on / has no upperdir (it is read-only): there are no changes to read");
        if (!Directory.Exists(upper))
            throw new ToolFailure($"the overlayfs on / names upperdir={upper}, which is not visible from here "
                                  + "(mounted in the initramfs and not moved into the root?)");
        return upper;
    }

    /// <summary>systemd manages this system (sd_booted(3): /run/systemd/system exists).</summary>
    public static bool SystemdRuns => Directory.Exists("/run/systemd/system");
}
