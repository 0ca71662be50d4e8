using System.Text.Json.Serialization;

namespace LiveInit.Plan;

/// <summary>
/// The one typed description of a boot, built from the kernel command line by a dialect parser and run by
/// the executor. Immutable; <c>liveinit explain</c> prints it. Paths on a device are relative to its root.
/// </summary>
public sealed record BootPlan(
    string Dialect,
    MediumPlan Medium,
    ImagePlan Image,
    SrmPlan Srm,
    WritableLayer Writable,
    RemasterPlan Remaster,
    HomePlan? Home,
    FailurePlan Failure,
    InitPlan Init,
    LogPlan Log,
    IReadOnlyList<PlanDiagnostic> Diagnostics,
    LayoutPlan? Layout = null,
    OverlayRootPlan? OverlayRoot = null,
    ImageFilePlan? ImageFile = null,
    NetPlan? Net = null,
    VerifyPlan? Verify = null,
    AutoOverlayPlan? AutoOverlay = null,
    DriverPlan? Drivers = null,
    NfsSource? Nfs = null)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

public enum ScanScope { Removable, All }

/// <summary>Where the boot medium is. Either <see cref="Device"/> names it, or every device in
/// <see cref="Scope"/> is searched for <see cref="SearchFile"/>. <see cref="Nbd"/>: the device is an NBD export,
/// connected first.</summary>
public sealed record MediumPlan(
    DeviceSpec? Device,
    string? SearchFile,
    ScanScope Scope,
    string MountPoint,
    int WaitSeconds,
    bool ReadWrite,
    NbdSource? Nbd = null);

public enum ImageCopy { No, Yes, Auto }

/// <summary>The compressed root image. <see cref="Candidates"/> are tried in order (e.g. airootfs.sfs then
/// airootfs.erofs). <see cref="InnerRootfsImages"/>: files inside the image that, when present, make it a
/// Fedora-style container of an ext image (dm-snapshot root); when overlayfs is used over such an ext image
/// instead, it is mounted read-only at <see cref="InnerMountPoint"/>.</summary>
public sealed record ImagePlan(
    IReadOnlyList<string> Candidates,
    ImageCopy CopyToRam,
    string? ChecksumFile,
    IReadOnlyList<string> InnerRootfsImages,
    string MountPoint,
    string InnerMountPoint = ImagePlan.DefaultInnerMountPoint,
    string RamCopyDir = ImagePlan.DefaultRamCopyDir)
{
    public const string DefaultInnerMountPoint = "/run/liveinit/rootfs-base";
    /// <summary>The tmpfs copytoram copies the image into.</summary>
    public const string DefaultRamCopyDir = "/run/liveinit/copytoram";
}

/// <summary>SystemRescue modules: every <c>Directory/*.srm</c>, alphabetical, first one topmost (live-boot's
/// <c>*.squashfs</c> beside its image: <see cref="LastOnTop"/>). The image itself is never one of them.</summary>
public sealed record SrmPlan(bool Enabled, string Directory, string Extension,
    string MountRoot = SrmPlan.DefaultMountRoot, bool LastOnTop = false)
{
    /// <summary>Where each module is mounted (SystemRescue's own place for them).</summary>
    public const string DefaultMountRoot = "/run/archiso/srm";
}

/// <summary>Where changes go when they stay in RAM (no persistence asked for, or persistence unusable): a tmpfs of
/// its own of <see cref="Size"/> at <see cref="MountPoint"/>, <c>upperdir</c>/<c>workdir</c> in
/// <see cref="Directory"/> on it (archiso: <c>&lt;cow_directory&gt;</c>, where its tools look); a dm-snapshot root
/// gets a sparse COW file of <see cref="SnapshotMiB"/> MiB on a tmpfs at <see cref="SnapshotMountPoint"/>.</summary>
public sealed record RamPlan(
    SizeSpec Size, string MountPoint, string Directory, string SnapshotMountPoint, int SnapshotMiB)
{
    public const string DefaultMountPoint = "/run/liveinit/cow",
        DefaultSnapshotMountPoint = "/run/liveinit/snapshot-cow";
    public const int DefaultSnapshotMiB = 32768;

    public static RamPlan Of(SizeSpec size, string mountPoint = DefaultMountPoint, string directory = "") =>
        new(size, mountPoint, directory, DefaultSnapshotMountPoint, DefaultSnapshotMiB);

    /// <summary>The upper and work directories relative to <see cref="MountPoint"/>.</summary>
    [JsonIgnore] public string UpperDir => Directory.Length == 0 ? "upperdir" : Directory + "/upperdir";
    [JsonIgnore] public string WorkDir => Directory.Length == 0 ? "workdir" : Directory + "/workdir";
}

/// <summary>The writable layer of the root. Every layer names its RAM fallback (<see cref="Ram"/>).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(RamUpper), "ram")]
[JsonDerivedType(typeof(DirectoryUpper), "directory")]
[JsonDerivedType(typeof(LoopFileUpper), "loopfile")]
[JsonDerivedType(typeof(LiveOsOverlay), "liveos")]
[JsonDerivedType(typeof(LiveBootPersistence), "liveboot")]
[JsonDerivedType(typeof(CryptOverlay), "crypt")]
public abstract record WritableLayer(RamPlan Ram)
{
    [JsonIgnore] public SizeSpec RamSize => Ram.Size;
}

/// <summary>overlayfs with a tmpfs upper: changes are lost at power-off.</summary>
public sealed record RamUpper(RamPlan Ram) : WritableLayer(Ram);

/// <summary>dracut-ng's encrypted overlay (<c>rd.overlay.crypt</c>): the upper and work folders on a LUKS volume,
/// see <see cref="OverlayCryptPlan"/>; RAM when it cannot be opened or made.</summary>
public sealed record CryptOverlay(OverlayCryptPlan Crypt, RamPlan Ram) : WritableLayer(Ram);

/// <summary>overlayfs whose upper and work directories live on a persistent device (archiso cow_*), mounted at
/// <see cref="MountPoint"/>: first read-only without journal replay to look, read-write only once the folders are
/// known to be usable. Falls back to RAM with a warning when the device is missing or unsuitable.</summary>
public sealed record DirectoryUpper(
    DeviceSpec Device, string UpperDir, string WorkDir, string MountOptions, string MountPoint, RamPlan Ram)
    : WritableLayer(Ram);

/// <summary>overlayfs whose upper lives inside an ext image file (SystemRescueCd-5 backing store, antiX
/// rootfs), loop-mounted at <see cref="MountPoint"/>. The file is on the boot medium
/// (<see cref="OnBootMedium"/>), or found by looking into every device of <see cref="Scope"/> read-only at
/// <see cref="SearchMountPoint"/>; the device chosen is mounted read-write at <see cref="DeviceMountPoint"/>.</summary>
public sealed record LoopFileUpper(
    DeviceSpec? Device, string FilePath, ScanScope Scope, bool OnBootMedium, string SearchMountPoint,
    string DeviceMountPoint, string MountPoint, RamPlan Ram)
    : WritableLayer(Ram)
{
    public const string DefaultSearchMountPoint = "/run/liveinit/search",
        DefaultDeviceMountPoint = "/run/liveinit/store";
}

/// <summary>Fedora LiveOS (dracut dmsquash-live): a dm-snapshot over the ext image inside the squashfs, or
/// overlayfs when the image is a plain tree or <see cref="ForceOverlayfs"/>. Persistent overlay on
/// <see cref="PersistentDevice"/> (mounted at <see cref="DeviceMountPoint"/> unless it is the boot medium) at
/// <see cref="OverlayPath"/> (null: <c>&lt;dir&gt;/overlay-&lt;LABEL&gt;-&lt;UUID&gt;</c>, from the device's label).
/// The RAM COW size is <see cref="RamPlan.SnapshotMiB"/> (rd.live.overlay.size).</summary>
public sealed record LiveOsOverlay(
    DeviceSpec? PersistentDevice, string? OverlayPath, string LiveDir, bool ForceOverlayfs,
    bool ReadOnly, bool Reset, string DeviceMountPoint, RamPlan Ram)
    : WritableLayer(Ram)
{
    public const string DefaultDeviceMountPoint = "/run/initramfs/overlayfs-device";
}

public enum RemasterAction { None, ApplyPending, Rollback, Disabled }

/// <summary>antiX live remastering: <c>name.new</c> becomes <c>name</c> (old kept as <c>name.old</c>), or
/// rollback to <c>name.old</c>. Also swaps <c>rootfs.new</c> when root persistence is on.</summary>
public sealed record RemasterPlan(RemasterAction Action, string Directory, string ImageName, bool SwapRootfs, string StateFile);

/// <summary>A persistent /home from an image file on the boot medium (antiX homefs, LiveOS home.img).</summary>
public sealed record HomePlan(string FilePath, bool Required);

/// <summary>What a fatal boot error ends in, from the least to the most restrictive: when several sources
/// ask for different actions the later one in this order wins.</summary>
public enum FailureAction { Shell, Reboot, Poweroff }

/// <summary>The emergency policy and where it came from (<c>rd.emergency=poweroff</c>, <c>rd.shell=0</c>,
/// <c>mkinitramfs --emergency reboot</c>, <c>default</c>…), see <c>Dialects/EmergencyPolicy.cs</c>.</summary>
public sealed record FailurePlan(FailureAction Action, string Source);

public static class FailureActions
{
    /// <summary>The words of rd.emergency / liveinit.emergency / mkinitramfs --emergency (dracut's
    /// <c>halt</c> is a power-off: a halted machine stays on with a blank screen).</summary>
    public static bool TryParse(string? value, out FailureAction action)
    {
        switch (value)
        {
            case "shell": action = FailureAction.Shell; return true;
            case "reboot": action = FailureAction.Reboot; return true;
            case "poweroff" or "halt": action = FailureAction.Poweroff; return true;
            default: action = FailureAction.Poweroff; return false;
        }
    }

    public static string Name(FailureAction a) =>
        a switch { FailureAction.Shell => "shell", FailureAction.Reboot => "reboot", _ => "poweroff" };
}

public sealed record InitPlan(string? Path, IReadOnlyList<string> Arguments);

public sealed record LogPlan(bool Quiet, int? LogLevel, bool Debug);

public enum Severity { Warning, Error }

public sealed record PlanDiagnostic(Severity Severity, string Parameter, string Message)
{
    public override string ToString() => $"{(Severity == Severity.Error ? "error" : "warning")}: {Parameter}: {Message}";
}
