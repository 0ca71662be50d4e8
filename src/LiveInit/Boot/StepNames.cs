using LiveInit.Boot.Steps;
using LiveInit.Net;

namespace LiveInit.Boot;

/// <summary>The short name of each step for the timings (its class name in kebab case, FindMedium → find-medium),
/// written out: the agent has no reflection data for <c>GetType().Name</c>. TimingTests checks every step class
/// has its name here.</summary>
public static class StepNames
{
    public static string Of(BootStep step) => step switch
    {
        AdoptDetectedLayout => "adopt-detected-layout", ApplyRemaster => "apply-remaster",
        AssembleRoot => "assemble-root", ConnectNbd => "connect-nbd", CopyImageToRam => "copy-image-to-ram",
        FetchImage => "fetch-image", FetchSrms => "fetch-srms", FindMedium => "find-medium",
        HandOverNetwork => "hand-over-network", LinkMediumDevice => "link-medium-device", LoadDrivers => "load-drivers",
        MountHome => "mount-home", MountImage => "mount-image", MountKernelFilesystems => "mount-kernel-filesystems",
        MountNfs => "mount-nfs", MountPersistentPaths => "mount-persistent-paths", MountSrms => "mount-srms",
        NetworkUp => "network-up", OpenImageFile => "open-image-file", PrepareWritable => "prepare-writable",
        ReleaseMedium => "release-medium", ShowMountsInRoot => "show-mounts-in-root", SwitchRoot => "switch-root",
        UseRootDevice => "use-root-device", VerifyChecksum => "verify-checksum",
        VerifyFetchedSignature => "verify-fetched-signature", VerifySignature => "verify-signature",
        WriteRemasterConf => "write-remaster-conf",
        _ => "step",
    };
}
