using LiveInit.Devices;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>Waits for the boot medium (by tag, path, or by searching for a file), then mounts it.
/// When a whole disk and a partition both match (hybrid ISO) the one holding the image wins, else the
/// partition, and the log says so. A timeout lists every device seen.</summary>
public sealed class FindMedium(MediumPlan medium, IReadOnlyList<string> imageCandidates) : BootStep
{
    public override string Describe()
    {
        var what = medium.Device is not null ? $"the device {medium.Device}"
            : $"a {(medium.Scope == ScanScope.Removable ? "removable (USB, optical) device" : "device")} holding /{medium.SearchFile}";
        return $"wait up to {medium.WaitSeconds} s for {what} and mount it {(medium.ReadWrite ? "read-write" : "read-only")} at {medium.MountPoint}";
    }

    public override void Run(BootContext ctx)
    {
        ctx.EnsureMountTree(medium.MountPoint);
        var reg = ctx.RequireDevices();
        var tried = new HashSet<string>();
        var what = medium.Device?.ToString() ?? $"a device holding /{medium.SearchFile}";
        var found = reg.WaitFor((all, fresh) => medium.Device is not null ? ByTag(ctx, all) : BySearch(ctx, all, tried),
            medium.WaitSeconds, what, ctx.Log.Notice);
        if (found is null)
            throw new BootFailure($"the boot medium ({what}) did not appear within {medium.WaitSeconds} s.\n"
                                  + "Check the label with 'liveinit probe' (labels are case-sensitive), or give rootdelay=SECONDS for a slow device.\n"
                                  + "Block devices seen:\n" + reg.Report());
        ctx.Medium = found;
        ctx.Log.Info($"boot medium: {found.Summary()} mounted at {medium.MountPoint}");
    }

    private ProbedDevice? ByTag(BootContext ctx, IReadOnlyCollection<ProbedDevice> all)
    {
        var candidates = DeviceMatcher.Candidates(medium.Device!, all);
        if (candidates.Count == 0) return null;
        if (candidates.Count > 1)
        {
            ctx.Log.Info($"{medium.Device} matches {string.Join(", ", candidates.Select(c => c.Device.DevPath))} (hybrid image?); using the one that holds the image");
            foreach (var c in candidates)
                if (TryMount(ctx, c) && HoldsImage()) return c;
                else Unmount();
            ctx.Log.Warn($"none of them holds {string.Join(" or ", imageCandidates)}; using {candidates[0].Device.DevPath}");
        }
        var chosen = candidates[0];
        if (chosen.Type is null)
            throw new BootFailure($"{chosen.Device.DevPath} matches {medium.Device} but holds no filesystem LiveInit recognises");
        try { Mounts.MountDevice(ctx, chosen.Device.DevPath, chosen.Type, medium.MountPoint, !medium.ReadWrite); }
        catch (NativeException e) { throw new BootFailure($"cannot mount the boot medium: {e.Message}", e); }
        return chosen;
    }

    private ProbedDevice? BySearch(BootContext ctx, IReadOnlyCollection<ProbedDevice> all, HashSet<string> tried)
    {
        var ordered = all.Where(d => d.Type is not null && d.Probe.Get("USAGE") == "filesystem" && !tried.Contains(d.Device.Name))
            .OrderBy(d => d.Device.IsRemovableLike ? 0 : 1).ThenBy(d => d.Device.Name, StringComparer.Ordinal).ToList();
        foreach (var d in ordered)
        {
            tried.Add(d.Device.Name);
            if (medium.Scope == ScanScope.Removable && !d.Device.IsRemovableLike) continue;
            if (!TryMount(ctx, d)) continue;
            if (File.Exists(Path.Combine(medium.MountPoint, medium.SearchFile!))) return d;
            Unmount();
        }
        return null;
    }

    private bool TryMount(BootContext ctx, ProbedDevice d)
    {
        if (d.Type is null) return false;
        try { Mounts.MountDevice(ctx, d.Device.DevPath, d.Type, medium.MountPoint, !medium.ReadWrite); return true; }
        catch (NativeException e) { ctx.Log.Trace($"cannot look into {d.Device.DevPath}: {e.Message}"); return false; }
    }

    private bool HoldsImage() => imageCandidates.Count == 0 || imageCandidates.Any(c => File.Exists(Path.Combine(medium.MountPoint, c)));

    private void Unmount() => Libc.TryUmount(medium.MountPoint);
}
