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
            : plan.Net?.Image is not null ? "none (the image comes over the network)"
            : "none";
        if (plan.ImageFile is { } f)
        {
            where = $"the image file /{f.FilePath} ({f.Parameter}) on "
                    + (f.Host is not null ? $"the device {f.Host}"
                        : $"the first {(f.Scope == ScanScope.All ? "" : "removable ")}device holding it")
                    + $" (mounted read-only without journal replay at {f.HostMountPoint}"
                    + (f.HostOptions is { } o ? $", options {o}" : "") + "), loop-attached read-only"
                    + (f.Expect is { } x ? $", and it must be {x}" : "");
        }
        if (plan.Nfs is { } nfs)
            where = $"the NFS export {nfs} (NFSv4 in the kernel, mount(2) type nfs4, vers={string.Join(" then ",
                nfs.Versions)}, options {nfs.Options("<v>", "<server>", "<ours>")})";
        if (m.Nbd is { } nbd) where = $"the NBD export {nbd} as {nbd.Device} (a squashfs export is the image itself)";
        s.AppendLine($"  medium:    {where}, mounted {(m.ReadWrite ? "read-write" : "read-only")} at {m.MountPoint}; wait up to {m.WaitSeconds} s");
        if (plan.OverlayRoot is { } ovr)
            s.AppendLine($"  root:      the root device at {OverlayRootPlan.RootBase} "
                         + (ovr.Overlay ? "under an overlay (rd.overlay)" : "itself, no overlay (rd.overlay=0)"));
        if (plan.AutoOverlay is { } ao)
            s.AppendLine($"  autooverlay: if LABEL={ao.Label} is missing, make it ({ao.Filesystem}, {ao.Mkfs}) in "
                         + "the free space after the medium's partition on its own disk (dos or GPT); any doubt: "
                         + "RAM, disk untouched");
        if (plan.Image.Candidates.Count > 0)
            s.AppendLine($"  image:     {string.Join(" or ", plan.Image.Candidates)} at {plan.Image.MountPoint}; copy to RAM: {plan.Image.CopyToRam switch { ImageCopy.No => "no", ImageCopy.Yes => "yes", _ => "auto" }}"
                         + (plan.Image.ChecksumFile is null ? "" : $"; verify {plan.Image.ChecksumFile}"));
        if (plan.Net is { } net) s.AppendLine($"  network:   {Describe(net)}");
        s.AppendLine(plan.Srm.Enabled
            ? $"  srm:       load every {Join(plan.Srm.Directory, "*" + plan.Srm.Extension)} (alphabetical, the "
              + $"{(plan.Srm.LastOnTop ? "last" : "first")} is topmost); SRM loading on"
            : "  srm:       off");
        if (plan.Verify is { } v) s.AppendLine($"  verify:    {Describe(v)}");
        s.AppendLine($"  writable:  {Describe(plan.Writable)}");
        if (plan.Remaster.Action != RemasterAction.None)
            s.AppendLine($"  remaster:  {Describe(plan.Remaster)}");
        if (plan.Home is not null) s.AppendLine($"  home:      /{plan.Home.FilePath} on the medium mounted on /home{(plan.Home.Required ? "" : " when present")}");
        if (plan.Layout is { } layout) s.Append(Describe(layout));
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
        CryptOverlay c => $"overlayfs, encrypted: {Describe(c.Crypt)}; {Ram(c.Ram)} if unusable",
        LiveBootPersistence l => $"live-boot persistence: volumes labelled {string.Join(" or ", l.Labels)} (or files "
            + $"/{(l.FileFolder.Length == 0 ? "" : l.FileFolder + "/")}<label> on other devices) holding "
            + $"persistence.conf ('/ union': the root's upper rw/ on it; other lines mounted after the root), looked "
            + $"into read-only at {l.MountRoot}/<device>" + (l.ReadOnly ? ", used read-only under a RAM layer" : "")
            + $"; {Ram(l.Ram)} for what they do not keep",
        _ => "an unknown writable layer",
    };

    /// <summary>rd.overlay.crypt: the device, what is done to it, where it is mounted.</summary>
    public static string Describe(OverlayCryptPlan p) =>
        $"upper /{OverlayCryptPlan.UpperDir} and work /{OverlayCryptPlan.WorkDir} on the LUKS volume {p.Device} "
        + $"(waited for {p.WaitSeconds} s) opened as {p.MapperPath} and mounted at {p.BackingMount}; already LUKS: "
        + $"the passphrase is asked on the console ({p.PromptTries} tries of {p.PromptSeconds} s); not LUKS: "
        + (p.Format
            ? $"FORMATTED (LUKS2 with a random passphrase saved in {p.PasswordFile}, then {p.Filesystem}; needs "
              + $"{p.Cryptsetup} and {p.Mkfs}: mkinitramfs --overlay-crypt)"
            : "left untouched (mkfs=0)")
        + "; never the root's device or disk, nor a device in use";

    /// <summary>The network part: bring-up, image URL, SRM URLs, lease and hand-over.</summary>
    public static string Describe(NetPlan n)
    {
        var ip = n.Ip;
        var on = ip.Device ?? (ip.BootIfMac is { } mac ? $"MAC {mac} (BOOTIF)" : "the first Ethernet link with a carrier");
        var how = ip.Method == IpMethod.Dhcp ? $"DHCP ({ip.DhcpTimeoutSeconds} s)" : $"static {ip.Address}/{ip.Prefix}"
            + (ip.Gateway is null ? "" : $" via {ip.Gateway}") + (ip.Dns.Count == 0 ? "" : $", DNS {string.Join(' ', ip.Dns)}");
        var text = $"{how} on {on}; lease in {n.LeaseDir}; at switch_root "
            + (n.FlushAtSwitch ? "flushed" : "left configured");
        if (n.Image is { } img)
            text += $"; image {img.Url} over HTTP into RAM at {img.RamDir}"
                    + (img.Kind == NetImageKind.Iso ? $" (an ISO: {img.IsoInnerPath} inside it)" : "");
        if (n.SrmUrls.Count > 0) text += $"; SRMs {string.Join(' ', n.SrmUrls)}";
        return text;
    }

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

    /// <summary>The signature policy: the keys, and what happens to an unsigned file.</summary>
    public static string Describe(VerifyPlan v) =>
        $"the image and every SRM need <file>{VerifyPlan.Suffix} verified by one of {v.Keys.Count} trusted "
        + $"key{(v.Keys.Count == 1 ? "" : "s")}{(v.Keys.Count == 0 ? "" : ": " + string.Join(", ", v.Keys))}; "
        + (v.AllowUnsigned ? "unsigned files are used with a warning" : "unsigned files are refused")
        + $" ({v.Source})";

    private static string Describe(RemasterPlan r) => r.Action switch
    {
        RemasterAction.ApplyPending => $"if /{r.Directory}/{r.ImageName}.new exists: {r.ImageName} -> {r.ImageName}.old, {r.ImageName}.new -> {r.ImageName}" + (r.SwapRootfs ? " (and rootfs.new)" : "") + $"; state in {r.StateFile}",
        RemasterAction.Rollback => $"rollback in /{r.Directory}: {r.ImageName} -> {r.ImageName}.bad, {r.ImageName}.old -> {r.ImageName}" + (r.SwapRootfs ? " (and rootfs)" : "") + $"; state in {r.StateFile}",
        RemasterAction.Disabled => $"off (noremaster): a waiting {r.ImageName}.new is left alone",
        _ => "none",
    };

    /// <summary>The layout contracts: detection (no dialect parameter) and what the live system's tools read.</summary>
    private static string Describe(LayoutPlan l)
    {
        var s = new StringBuilder();
        if (l.Detect.Count > 0)
            s.AppendLine("  layout:    no dialect parameter: layout detection; the first device holding "
                         + string.Join(", ", l.Detect.Select(x => $"/{x.Marker} ({x.Dialect})"))
                         + " (removable devices first) yields that dialect's plan");
        if (l.RemasterConf is not null) s.AppendLine($"  layout:    {l.RemasterConf} in the new root when a remaster is possible");
        foreach (var a in l.Aliases ?? []) s.AppendLine($"  layout:    {a.Mount} also at {a.AlsoAt} in the new root");
        if (l.MediumLink is not null) s.AppendLine($"  layout:    {l.MediumLink} -> the medium's device node");
        if (l.MediumMayBeImage) s.AppendLine("  layout:    a squashfs, erofs or ext medium holding no image is the image itself");
        return s.ToString();
    }

    private static string Parent(string path) { var i = path.LastIndexOf('/'); return i < 0 ? path : path[..i]; }
    private static string Join(string dir, string name) => dir.Length == 0 ? name : $"{dir}/{name}";
}
