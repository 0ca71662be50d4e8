using LiveInit.Native;

namespace LiveInit.Media;

/// <summary>A directory opened beneath a medium's mount. <see cref="Path"/> is its canonical path (every link
/// resolved, checked to stay on the medium): the form mount options such as overlayfs' upperdir take.</summary>
public sealed class ConfinedDirectory : IDisposable
{
    internal ConfinedDirectory(SafeFd fd, string path, ulong device)
    {
        Fd = fd;
        Path = path;
        Device = device;
    }

    internal SafeFd Fd { get; }
    public string Path { get; }
    public ulong Device { get; }

    public void Sync() => Libc.Fsync(Fd, Path);

    public void Dispose() => Fd.Dispose();
}
