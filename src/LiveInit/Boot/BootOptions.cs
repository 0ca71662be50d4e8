namespace LiveInit.Boot;

/// <summary>How the executor runs. As /init: assemble at /sysroot and switch_root. Embedded in another
/// initramfs (initramfs-tools' <c>${rootmnt}</c>, dracut's <c>$NEWROOT</c>): assemble at that folder and
/// return, leaving the switch to the host initramfs (<c>liveinit boot --sysroot DIR --no-switch-root</c>).</summary>
public sealed record BootOptions(string NewRoot, bool SwitchRoot)
{
    public static BootOptions Default { get; } = new("/sysroot", true);
}
