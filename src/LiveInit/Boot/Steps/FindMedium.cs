using LiveInit.Devices;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>Waits for the boot medium (by tag, path, or by searching for a file), then mounts it read-only.
/// Devices looked into during a search (and the candidates of an ambiguous tag) are mounted only to look:
/// read-only without journal replay, so a disk nobody named is never written; the one chosen is mounted again
/// as the medium. A step that writes to the medium (remaster, persistence on it) remounts it read-write itself.
/// When a whole disk and a partition both match (hybrid ISO) the one holding the image wins, else the
/// partition, and the log says so. A timeout lists every device seen.</summary>
public sealed class FindMedium(MediumPlan medium, IReadOnlyList<string> imageCandidates,
    IReadOnlyList<LayoutCandidate>? detect = null) : BootStep
{
    private string Sought => detect is { Count: > 0 }
        ? "one of " + string.Join(", ", detect.Select(x => "/" + x.Marker)) + " (layout detection)"
        : "/" + medium.SearchFile;

    public override string Describe()
    {
        var what = medium.Device is not null ? $"the device {medium.Device}"
            : $"a {(medium.Scope == ScanScope.Removable ? "removable (USB, optical) device" : "device")} holding {Sought}";
        return $"wait up to {medium.WaitSeconds} s for {what} and mount it read-only at {medium.MountPoint}"
            + (medium.Device is null ? " (devices searched are mounted read-only without journal replay)" : "")
            + (medium.ReadWrite ? "; read-write later only for the steps that write to it" : "");
    }

    public override void Run(BootContext ctx)
    {
        ctx.EnsureMountTree(medium.MountPoint);
        var reg = ctx.RequireDevices();
        var tried = new HashSet<string>();
        var what = medium.Device?.ToString() ?? $"a device holding {Sought}";
        var found = reg.WaitFor((all, fresh) => medium.Device is not null ? ByTag(ctx, all) : BySearch(ctx, all, tried),
            medium.WaitSeconds, what, ctx.Log.Notice);
        if (found is null)
            throw new BootFailure($"the boot medium ({what}) did not appear within {medium.WaitSeconds} s.\n"
                                  + (detect is { Count: > 0 }
                                      ? "No dialect parameter was given: name the medium (archisolabel=, root=live:, "
                                        + "blabel=, backstore=), or give rootdelay=SECONDS for a slow device.\n"
                                      : "Check the label with 'liveinit probe' (labels are case-sensitive), or give "
                                        + "rootdelay=SECONDS for a slow device.\n")
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
            {
                if (!TryLook(ctx, c)) continue;
                if (HoldsImage(ctx)) { Mounts.Promote(ctx, c.Device.DevPath, c.Type!, medium.MountPoint); return c; }
                Unmount();
            }
            ctx.Log.Warn($"none of them holds {string.Join(" or ", imageCandidates)}; using {candidates[0].Device.DevPath}");
        }
        var chosen = candidates[0];
        if (chosen.Type is null)
            throw new BootFailure($"{chosen.Device.DevPath} matches {medium.Device} but holds no filesystem LiveInit recognises");
        try { Mounts.MountDevice(ctx, chosen.Device.DevPath, chosen.Type, medium.MountPoint, readOnly: true); }
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
            if (!TryLook(ctx, d)) continue;
            if (detect is { Count: > 0 } ? Detects(ctx) : Holds(ctx, medium.SearchFile!))
            {
                try { Mounts.Promote(ctx, d.Device.DevPath, d.Type!, medium.MountPoint); }
                catch (NativeException e) { ctx.Log.Warn($"{d.Device.DevPath} holds /{medium.SearchFile} but cannot be mounted: {e.Message}"); continue; }
                ctx.Log.Info($"found {Found(ctx)} on {d.Device.DevPath}");
                return d;
            }
            Unmount();
        }
        return null;
    }

    /// <summary>Mounts a candidate only to look into it (read-only, no journal replay).</summary>
    private bool TryLook(BootContext ctx, ProbedDevice d)
    {
        if (d.Type is null) return false;
        try { Mounts.MountToLook(ctx, d.Device.DevPath, d.Type, medium.MountPoint); return true; }
        catch (NativeException e) { ctx.Log.Trace($"cannot look into {d.Device.DevPath}: {e.Message}"); return false; }
    }

    private bool HoldsImage(BootContext ctx) => imageCandidates.Count == 0 || imageCandidates.Any(c => Holds(ctx, c));

    /// <summary>The file is on the mounted candidate, as a regular file that stays on it (a link off the device
    /// does not count, and is said).</summary>
    private bool Holds(BootContext ctx, string rel)
    {
        try
        {
            using var root = Media.MediumRoot.Open(medium.MountPoint);
            var e = root.Lookup(rel);
            if (e.Kind == Media.EntryKind.Refused) ctx.Log.Warn($"{e.Where}: refused: {e.Why}; not a boot medium");
            return e.IsFile;
        }
        catch (IOException e) { ctx.Log.Trace($"cannot look into {medium.MountPoint}: {e.Message}"); return false; }
    }

    /// <summary>Layout detection: the first known layout on the mounted candidate, kept in the context.</summary>
    private bool Detects(BootContext ctx)
    {
        try
        {
            using var root = Media.MediumRoot.Open(medium.MountPoint);
            var hit = Layouts.LayoutDetector.Find(root, detect!);
            if (hit is null) return false;
            (ctx.Layout.Detected, ctx.Layout.DetectedFolder) = hit.Value;
            return true;
        }
        catch (IOException e) { ctx.Log.Trace($"cannot look into {medium.MountPoint}: {e.Message}"); return false; }
    }

    private string Found(BootContext ctx) => ctx.Layout.Detected is { } l
        ? "/" + (ctx.Layout.DetectedFolder is { } f ? f + l.Marker[1..] : l.Marker)
        : "/" + medium.SearchFile;

    private void Unmount() => Libc.TryUmount(medium.MountPoint);
}
