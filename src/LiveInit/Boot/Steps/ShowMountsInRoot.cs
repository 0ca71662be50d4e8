using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>Mounts that a peer's tools look for at another place (SystemRescueCd-5's backing store at
/// <c>/mnt/memory</c>): bound there in the new root when they are mounted; a missing one is no error.</summary>
public sealed class ShowMountsInRoot(IReadOnlyList<RootAlias> aliases, string newRoot) : BootStep
{
    public override string Describe() =>
        "also show " + string.Join(", ", aliases.Select(a => $"{a.Mount} at {a.AlsoAt}")) + " in the new root, when mounted";

    public override void Run(BootContext ctx)
    {
        foreach (var a in aliases)
        {
            if (!Mounts.IsMountPoint(a.Mount)) continue;
            var target = Path.Combine(newRoot, a.AlsoAt.TrimStart('/'));
            try
            {
                Libc.MkdirAll(target);
                Libc.Mount(a.Mount, target, null, Libc.MS_BIND, null);
                ctx.Log.Info($"{a.Mount} is also at {a.AlsoAt}");
            }
            catch (Exception e) when (e is NativeException or IOException)
            {
                ctx.Log.Warn($"cannot show {a.Mount} at {a.AlsoAt}: {e.Message}");
            }
        }
    }
}
