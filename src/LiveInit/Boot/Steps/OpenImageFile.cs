using LiveInit.Devices;
using LiveInit.Media;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>What <see cref="OpenImageFile"/> made: the host device (mounted read-only at
/// <see cref="HostMount"/>), the file on it, and the loop device that is now the boot medium.</summary>
public sealed record OpenedImageFile(ProbedDevice Host, string HostMount, string File, ProbedDevice Loop)
{
    /// <summary>"/dev/vdb1 (ext4) /isos/live.iso -> /dev/loop0 (iso9660 LABEL=X)": the chain, for the log.</summary>
    public string Chain =>
        $"{Host.Device.DevPath} ({Host.Type}, read-only) {File} -> {Loop.Device.DevPath} ({Loop.Type}"
        + (Loop.Label is { } l ? $" LABEL={Text.ConsoleText.Escape(l)})" : ")");
}

/// <summary>
/// The boot medium is an image file on a host device (<see cref="ImageFilePlan"/>). Waits for the host (named, or
/// searched for the file: every filesystem looked into read-only without journal replay), keeps it mounted that way
/// — nothing is ever written to it — opens the file through the confined opener (a link off the host, a device node
/// or a FIFO is refused), attaches that descriptor to a read-only loop device and mounts the loop at the medium's
/// mount point. The steps after this one see the image as the medium.
/// </summary>
public sealed class OpenImageFile(ImageFilePlan file, MediumPlan medium) : BootStep
{
    public override string Describe()
    {
        var host = file.Host is not null ? $"the device {file.Host}"
            : $"a {(file.Scope == ScanScope.Removable ? "removable " : "")}device holding /{file.FilePath} "
              + "(each looked into read-only without journal replay)";
        return $"wait up to {medium.WaitSeconds} s for {host} ({file.Parameter}), mount it read-only without journal "
               + $"replay at {file.HostMountPoint}" + (file.HostOptions is { } o ? $" (options {o})" : "")
               + $", open /{file.FilePath} on it through the confined opener, attach it to a read-only loop device"
               + (file.Expect is { } x ? $", check that the image is {x} (root=)" : "")
               + $" and mount that at {medium.MountPoint} as the boot medium";
    }

    public override void Run(BootContext ctx)
    {
        var opened = Open(ctx);
        ctx.Medium = opened.Loop;
        ctx.Log.Info($"boot medium: the image file {opened.Chain} mounted at {medium.MountPoint}");
    }

    public OpenedImageFile Open(BootContext ctx)
    {
        ctx.EnsureMountTree(file.HostMountPoint);
        ctx.EnsureMountTree(medium.MountPoint);
        var reg = ctx.RequireDevices();
        var tried = new HashSet<string>();
        var what = file.Host is not null ? $"{file.Host} (holding /{file.FilePath})"
            : $"a device holding /{file.FilePath}";
        var host = reg.WaitFor((all, _) => file.Host is not null ? ByTag(ctx, all) : BySearch(ctx, all, tried),
            medium.WaitSeconds, what, ctx.Log.Notice);
        if (host is null)
            throw new BootFailure($"{file.Parameter}: {what} did not appear within {medium.WaitSeconds} s.\n"
                                  + "Check the path (case-sensitive, from the root of its partition) and the device "
                                  + "with 'liveinit probe', or give rootdelay=SECONDS.\nBlock devices seen:\n"
                                  + reg.Report());
        return Attach(ctx, host);
    }

    private OpenedImageFile Attach(BootContext ctx, ProbedDevice host)
    {
        using var root = MediumRoot.Open(file.HostMountPoint);
        ConfinedFile image;
        try { image = root.OpenFile(file.FilePath); }
        catch (RefusedPathException e)
        {
            throw new BootFailure($"{file.Parameter}: {e.Message}.\nThe image file must be a regular file on "
                                  + $"{host.Device.DevPath} itself.");
        }
        using var _ = image;
        string loopPath;
        ProbedDevice loop;
        try
        {
            using var attached = LoopDevice.Attach(image, readOnly: true);
            loopPath = attached.Path;
            var name = Path.GetFileName(loopPath);
            var dev = SysfsBlock.Read("/sys", name)
                      ?? new BlockDevice(name, 7, 0, image.Length, false, true, 0, null, 0);
            loop = ProbedDevice.Of(dev);
            if (loop.Type is null)
                throw new BootFailure($"{file.Parameter}: {image.Where} holds no filesystem LiveInit recognises "
                                      + "(an incomplete copy?). Copy the file again and compare its checksum.");
            if (file.Expect is { } expect && !DeviceMatcher.Matches(expect, loop))
                throw new BootFailure($"{file.Parameter}: {image.Where} is {Identity(loop)}, but root= names the "
                                      + $"medium {expect}: the file is another image than the command line expects. "
                                      + "Correct root= (or the file name); nothing was mounted from the image.");
            Mounts.MountDevice(ctx, loopPath, loop.Type, medium.MountPoint, readOnly: true);
        }
        catch (NativeException e)
        {
            throw new BootFailure($"{file.Parameter}: cannot use {image.Where} as the boot medium: {e.Message}", e);
        }
        return new OpenedImageFile(host, file.HostMountPoint, image.Where, loop);
    }

    private static string Identity(ProbedDevice d) =>
        $"{d.Type}" + (d.Label is { } l ? $" LABEL={Text.ConsoleText.Escape(l)}" : " with no label")
        + (d.Uuid is { } u ? $" UUID={Text.ConsoleText.Escape(u)}" : "");

    private ProbedDevice? ByTag(BootContext ctx, IReadOnlyCollection<ProbedDevice> all)
    {
        var candidates = DeviceMatcher.Candidates(file.Host!, all);
        if (candidates.Count == 0) return null;
        string? mountError = null;
        foreach (var c in candidates)
        {
            if (!TryLook(ctx, c, out var err)) { mountError ??= err; continue; }
            mountError = "";
            if (Holds(ctx, out var refusal)) return c;
            Libc.TryUmount(file.HostMountPoint);
            if (refusal is not null)
                throw new BootFailure($"{file.Parameter}: {refusal}.\nThe image file must be a regular file on "
                                      + $"{c.Device.DevPath} itself; nothing was mounted from it.");
        }
        if (!string.IsNullOrEmpty(mountError))
            throw new BootFailure($"{file.Parameter}: {string.Join(", ", candidates.Select(c => c.Summary()))} "
                                  + $"matches {file.Host} but cannot be mounted read-only: {mountError}. Is the "
                                  + "filesystem's driver (exfat, ntfs3…) in the initramfs and in this kernel?");
        throw new BootFailure($"{file.Parameter}: {string.Join(", ", candidates.Select(c => c.Summary()))} "
                              + $"matches {file.Host} but holds no regular file /{file.FilePath} (names are "
                              + "case-sensitive on ext4; see the lines above for a refusal).");
    }

    private ProbedDevice? BySearch(BootContext ctx, IReadOnlyCollection<ProbedDevice> all, HashSet<string> tried)
    {
        var ordered = all
            .Where(d => d.Type is not null && d.Probe.Get("USAGE") == "filesystem" && !d.Device.IsLoop
                        && !tried.Contains(d.Device.Name))
            .OrderBy(d => d.Device.IsRemovableLike ? 0 : 1).ThenBy(d => d.Device.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var d in ordered)
        {
            tried.Add(d.Device.Name);
            if (file.Scope == ScanScope.Removable && !d.Device.IsRemovableLike) continue;
            if (!TryLook(ctx, d, out _)) continue;
            if (Holds(ctx, out var refusal))
            {
                ctx.Log.Info($"found /{file.FilePath} on {d.Device.DevPath}");
                return d;
            }
            Libc.TryUmount(file.HostMountPoint);
            if (refusal is not null) ctx.Log.Warn($"{file.Parameter}: {refusal}; looking on the other devices");
        }
        return null;
    }

    /// <summary>Mounts a host only to look into it: read-only, no journal replay, with the options the command
    /// line gave (img_flags) except the ones that would ask for writing.</summary>
    private bool TryLook(BootContext ctx, ProbedDevice d, out string? error)
    {
        error = null;
        if (d.Type is null)
        {
            error = $"{d.Device.DevPath} holds no filesystem LiveInit recognises";
            return false;
        }
        var options = string.Join(',', new[] { Mounts.NoReplayOption(d.Type!) }
            .Concat((file.HostOptions ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Where(o => o is not ("defaults" or "ro" or "rw")))
            .Where(o => !string.IsNullOrEmpty(o)));
        try
        {
            Mounts.MountDevice(ctx, d.Device.DevPath, d.Type!, file.HostMountPoint, readOnly: true,
                options.Length == 0 ? null : options);
            return true;
        }
        catch (NativeException e)
        {
            ctx.Log.Trace($"cannot look into {d.Device.DevPath}: {e.Message}");
            error = e.Message;
            return false;
        }
    }

    /// <summary>The file is on the mounted host as a regular file that stays on it; else
    /// <paramref name="refusal"/> says why when it is there but refused (a link off the host, a device node).</summary>
    private bool Holds(BootContext ctx, out string? refusal)
    {
        refusal = null;
        try
        {
            using var root = MediumRoot.Open(file.HostMountPoint);
            var e = root.Lookup(file.FilePath);
            if (e.Kind == EntryKind.Refused) refusal = $"{e.Where}: refused: {e.Why}";
            else if (e.Kind == EntryKind.Directory) refusal = $"{e.Where}: refused: it is a folder, not a file";
            return e.IsFile;
        }
        catch (IOException e) { ctx.Log.Trace($"cannot look into {file.HostMountPoint}: {e.Message}"); return false; }
    }
}
