using LiveInit.Native;

namespace LiveInit.Tests.Tools;

/// <summary>A tmpfs mounted for one test (overlayfs needs its upper and work folders off an overlayfs, and
/// whiteouts and trusted.* attributes need a filesystem that keeps them). Needs root, as all these tests.</summary>
public sealed class Scratch : IDisposable
{
    public Scratch(string name)
    {
        Root = Repo.TempDir(name);
        Libc.Mount("tmpfs", Root, "tmpfs", 0, "size=256m,mode=0755");
    }

    public string Root { get; }
    private readonly List<string> _mounts = [];

    public string Dir(string rel)
    {
        var p = Path.Combine(Root, rel);
        Directory.CreateDirectory(p);
        return p;
    }

    /// <summary>overlayfs of <paramref name="lower"/> (top first) with upper/work at <paramref name="upper"/> and
    /// <paramref name="work"/>, mounted at <paramref name="merged"/>.</summary>
    public void Overlay(string lower, string upper, string work, string merged)
    {
        Libc.Mount("overlay", merged, "overlay", 0, $"lowerdir={lower},upperdir={upper},workdir={work}");
        _mounts.Add(merged);
    }

    public void Mount(string source, string target, string type, ulong flags = 0)
    {
        Libc.Mount(source, target, type, flags, null);
        _mounts.Add(target);
    }

    public void Dispose()
    {
        for (var i = _mounts.Count - 1; i >= 0; i--) Libc.TryUmount(_mounts[i], Libc.MNT_DETACH);
        Libc.TryUmount(Root, Libc.MNT_DETACH);
    }
}
