using LiveInit.Native;
using LiveInit.Tools.Common;

namespace LiveInit.Tools.Overlay;

/// <summary><c>liveinit overlay status</c>: how full the writable layer is. For a dm-snapshot root, live-rw's own
/// numbers (dmsetup status) as used/total and percent, or "Invalid" when the COW ran out; for an overlayfs root,
/// the used and free space of the filesystem holding its upper layer. Exit 3 when the overlay is Invalid.</summary>
public static class OverlayStatus
{
    public const int InvalidExit = 3;

    public static int Run(OverlayLocator where, Say say)
    {
        if (where.Running() is { } snap)
        {
            var cow = snap.CowFile ?? snap.Table?.Cow ?? "?";
            var kind = snap.Table is { Persistent: true } ? "persistent" : "in RAM";
            if (snap.Status.Invalid)
            {
                Console.Out.WriteLine($"overlay: {snap.Name} (dm-snapshot, COW {cow}, {kind}): {snap.Status.Problem}");
                say.Warn("the COW space ran out: the root has stopped accepting changes. Reboot (the boot falls back "
                    + "to RAM), then run "
                         + "'liveinit overlay recover' and think about 'liveinit overlay merge'");
                return InvalidExit;
            }
            Console.Out.WriteLine($"overlay: {snap.Name} (dm-snapshot, COW {cow}, {kind}): "
                                  + $"{Say.Size(snap.Status.UsedBytes)} of {Say.Size(snap.Status.TotalBytes)} used "
                                      + $"({snap.Status.Percent:F1}%)");
            if (snap.Status.Percent > 80)
                say.Warn("the overlay is nearly full; grow it ('liveinit overlay resize') or fold it into the image "
                    + "('liveinit overlay merge')");
            return 0;
        }
        var root = where.System.Root;
        if (root?.FsType == "overlay" && root.Option("upperdir") is { } upper && Directory.Exists(upper))
        {
            var fs = Libc.Statfs(upper);
            var total = (long)fs.Blocks * fs.BlockSize;
            var free = (long)fs.BlocksAvailable * fs.BlockSize;
            var used = total - (long)fs.BlocksFree * fs.BlockSize;
            var kind = fs.Type == StatfsBuf.TMPFS_MAGIC ? "in RAM (tmpfs)" : "persistent";
            Console.Out.WriteLine($"overlay: overlayfs, upper {upper} ({kind}): {Say.Size(used)} used, "
                + $"{Say.Size(free)} free of "
                                  + $"{Say.Size(total)} ({(total == 0 ? 0 : 100.0 * used / total):F1}% used)");
            return 0;
        }
        throw new ToolFailure($"/ is {root?.FsType ?? "unknown"} on {root?.Source ?? "?"}: neither a dm-snapshot "
            + "live root nor an overlayfs");
    }
}
