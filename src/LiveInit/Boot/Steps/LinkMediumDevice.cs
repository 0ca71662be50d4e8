using LiveInit.Native;

namespace LiveInit.Boot.Steps;

/// <summary>dracut's <c>/run/initramfs/livedev</c>: a symlink to the boot medium's device node, which the live
/// system's tools (livecd-iso-to-disk, anaconda) read to find the medium.</summary>
public sealed class LinkMediumDevice(string link) : BootStep
{
    public override string Describe() => $"link {link} to the medium's device node";

    public override void Run(BootContext ctx)
    {
        if (ctx.Medium is null) return;
        try
        {
            Libc.MkdirAll(Path.GetDirectoryName(link)!);
            Libc.TryUnlink(link);
            Libc.Symlink(ctx.Medium.Device.DevPath, link);
        }
        catch (NativeException e) { ctx.Log.Warn($"cannot link {link} to {ctx.Medium.Device.DevPath}: {e.Message}"); }
    }
}
