using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>Hands over to the real init (see <see cref="RootSwitcher"/>).</summary>
public sealed class SwitchRoot(InitPlan init, string newRoot) : BootStep
{
    public override string Describe() =>
        $"move /dev /proc /sys /run into {newRoot}, delete the initramfs (PID 1 on tmpfs/ramfs only, never crossing filesystems), chroot and exec "
        + (init.Path ?? "/sbin/init (or /etc/init, /bin/init, /bin/sh)") + (init.Arguments.Count > 0 ? " " + string.Join(' ', init.Arguments) : "");

    public override void Run(BootContext ctx) => RootSwitcher.Switch(ctx, init);
}
