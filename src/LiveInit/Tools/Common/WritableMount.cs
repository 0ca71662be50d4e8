using LiveInit.Native;

namespace LiveInit.Tools.Common;

/// <summary>Makes the filesystem holding a path writable for a tool: the boot mounts media read-only, and a tool
/// that was asked to write there (an overlay, a new image) remounts it read-write, saying so.</summary>
public static class WritableMount
{
    public static void Ensure(string path, MountTable mounts, Say say)
    {
        if (!FileSpace.ReadOnly(path)) return;
        var m = mounts.ForPath(Path.GetFullPath(path)) ?? throw new ToolFailure($"{path} is on a read-only filesystem");
        var err = Libc.TryMount(null, m.MountPoint, null, Libc.MS_REMOUNT, null);
        if (err != 0)
            throw new ToolFailure($"{m.MountPoint} ({m.Source}) is read-only and cannot be remounted read-write "
                + $"({Errno.Describe(err)}); "
                                  + "is the device write-protected, or an optical disc?");
        say.Step($"remounted {m.MountPoint} read-write");
    }
}
