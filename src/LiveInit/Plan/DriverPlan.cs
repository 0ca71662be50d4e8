namespace LiveInit.Plan;

/// <summary>Which drivers the initramfs loads for the hardware present: only what the boot needs (storage and
/// bus drivers for the medium), or every matching driver (<c>liveinit.coldplug=all</c>). Either way the
/// modules the plan names (loop, squashfs, overlay, filesystems) are loaded; the rest is left to the live
/// system's udev after the switch.</summary>
public sealed record DriverPlan(ColdplugScope Coldplug)
{
    public static DriverPlan Default { get; } = new(ColdplugScope.Boot);
}

public enum ColdplugScope { Boot, All }
