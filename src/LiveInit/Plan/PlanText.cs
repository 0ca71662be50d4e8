using System.Text;

namespace LiveInit.Plan;

/// <summary>Human-readable rendering of a plan for <c>liveinit explain</c> and the emergency report.</summary>
public static class PlanText
{
    public static string Render(BootPlan plan, IReadOnlyList<string> steps)
    {
        var s = new StringBuilder();
        s.AppendLine($"LiveInit boot plan ({plan.Dialect})");
        var m = plan.Medium;
        var where = m.Device is not null ? $"device {m.Device}"
            : m.SearchFile is not null ? $"the {(m.Scope == ScanScope.All ? "" : "removable ")}device holding /{m.SearchFile}"
            : "none";
        s.AppendLine($"  medium:    {where}, mounted {(m.ReadWrite ? "read-write" : "read-only")} at {m.MountPoint}; wait up to {m.WaitSeconds} s");
        if (plan.Image.Candidates.Count > 0)
            s.AppendLine($"  image:     {string.Join(" or ", plan.Image.Candidates)} at {plan.Image.MountPoint}; copy to RAM: {plan.Image.CopyToRam.ToString().ToLowerInvariant()}"
                         + (plan.Image.ChecksumFile is null ? "" : $"; verify {plan.Image.ChecksumFile}"));
        s.AppendLine(plan.Srm.Enabled
            ? $"  srm:       load every {Join(plan.Srm.Directory, "*" + plan.Srm.Extension)} (alphabetical, the first is topmost); SRM loading on"
            : "  srm:       off");
        s.AppendLine($"  writable:  {Describe(plan.Writable)}");
        if (plan.Remaster.Action != RemasterAction.None)
            s.AppendLine($"  remaster:  {Describe(plan.Remaster)}");
        if (plan.Home is not null) s.AppendLine($"  home:      /{plan.Home.FilePath} on the medium mounted on /home{(plan.Home.Required ? "" : " when present")}");
        s.AppendLine($"  failure:   {Describe(plan.Failure)}");
        if (plan.Drivers is { Coldplug: ColdplugScope.All })
            s.AppendLine("  drivers:   every driver for the hardware present (liveinit.coldplug=all)");
        s.AppendLine($"  init:      {plan.Init.Path ?? "/sbin/init (then /etc/init, /bin/init, /bin/sh)"}"
                     + (plan.Init.Arguments.Count > 0 ? " " + string.Join(' ', plan.Init.Arguments) : ""));
        s.AppendLine("  steps:");
        for (var i = 0; i < steps.Count; i++) s.AppendLine($"    {i + 1,2}. {steps[i]}");
        foreach (var d in plan.Diagnostics) s.AppendLine($"  {d}");
        return s.ToString();
    }

    public static string Describe(WritableLayer w) => w switch
    {
        RamUpper r => $"overlayfs, {Ram(r.Ram)}; changes are lost at power-off",
        DirectoryUpper d => $"overlayfs, cow directory {Parent(d.UpperDir)} on the device {d.Device} "
            + $"(upper {d.UpperDir}, work {d.WorkDir}, mounted at {d.MountPoint}: read-only without journal replay to "
            + $"look, then read-write with options {d.MountOptions}); {Ram(d.Ram)} if that device is missing or "
            + "unusable",
        LoopFileUpper l => $"overlayfs, upper inside the image file /{l.FilePath} on {Where(l)}, "
            + $"mounted at {l.MountPoint}; {Ram(l.Ram)} if not found",
        LiveOsOverlay o => o.PersistentDevice is null
            ? $"LiveOS: dm-snapshot with a {o.Ram.SnapshotMiB} MiB sparse COW in RAM ({o.Ram.SnapshotMountPoint}) when "
              + $"the image holds LiveOS/rootfs.img, else overlayfs, {Ram(o.Ram)}"
              + (o.ForceOverlayfs ? " (overlayfs forced)" : "")
            : $"LiveOS: persistent overlay /{o.OverlayPath ?? o.LiveDir + "/overlay-<LABEL>-<UUID>"} on "
              + $"{o.PersistentDevice} (mounted at {o.DeviceMountPoint} unless it is the boot medium; a file: "
              + "dm-snapshot COW; a directory: overlayfs with ../ovlwork)"
              + (o.ForceOverlayfs ? ", overlayfs forced" : "")
              + (o.ReadOnly ? ", read-only with a RAM layer on top" : "")
              + (o.Reset ? ", reset at boot" : "") + $"; {Ram(o.Ram)} if unusable",
        _ => w.GetType().Name,
    };

    /// <summary>"RAM (a tmpfs of its own, size 256M, upper /run/archiso/cowspace/persistent_X/x86_64/upperdir)".
    /// </summary>
    public static string Ram(RamPlan r) =>
        $"RAM (a tmpfs of its own, size {r.Size}, upper {r.MountPoint}/{r.UpperDir})";

    private static string Where(LoopFileUpper l) => l.Device is not null ? $"the device {l.Device}"
        : l.OnBootMedium ? "the boot medium"
        : $"the first {(l.Scope == ScanScope.All ? "" : "removable ")}device that has it (each looked into "
          + $"read-only at {l.SearchMountPoint}; the one chosen mounted read-write at {l.DeviceMountPoint})";

    /// <summary>The emergency policy and where it came from.</summary>
    public static string Describe(FailurePlan f) => f.Action switch
    {
        FailureAction.Shell => $"shell ({f.Source}): an emergency root shell on the console; "
                               + "close it with rd.emergency=poweroff|reboot, rd.shell=0 or mkinitramfs --emergency",
        FailureAction.Reboot => $"reboot ({f.Source}): after the report, no shell",
        _ => $"poweroff ({f.Source}): after the report, no shell",
    };

    private static string Describe(RemasterPlan r) => r.Action switch
    {
        RemasterAction.ApplyPending => $"if /{r.Directory}/{r.ImageName}.new exists: {r.ImageName} -> {r.ImageName}.old, {r.ImageName}.new -> {r.ImageName}" + (r.SwapRootfs ? " (and rootfs.new)" : "") + $"; state in {r.StateFile}",
        RemasterAction.Rollback => $"rollback in /{r.Directory}: {r.ImageName} -> {r.ImageName}.bad, {r.ImageName}.old -> {r.ImageName}" + (r.SwapRootfs ? " (and rootfs)" : "") + $"; state in {r.StateFile}",
        RemasterAction.Disabled => $"off (noremaster): a waiting {r.ImageName}.new is left alone",
        _ => "none",
    };

    private static string Parent(string path) { var i = path.LastIndexOf('/'); return i < 0 ? path : path[..i]; }
    private static string Join(string dir, string name) => dir.Length == 0 ? name : $"{dir}/{name}";
}
