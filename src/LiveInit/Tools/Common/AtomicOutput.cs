using LiveInit.Native;

namespace LiveInit.Tools.Common;

/// <summary>
/// A result that appears whole or not at all: it is written under a temporary name in the target's own folder
/// (<c>.NAME.liveinit-tmp</c>), made durable (fsync), then renamed to its name, and the folder made durable.
/// Disposing without <see cref="Commit"/> (a failure, Ctrl-C) removes the temporary file or folder.
/// </summary>
public sealed class AtomicOutput : IDisposable
{
    private bool _committed;
    private readonly IDisposable _interrupt;

    public AtomicOutput(string finalPath)
    {
        FinalPath = Path.GetFullPath(finalPath);
        var dir = Path.GetDirectoryName(FinalPath) ?? "/";
        if (!Directory.Exists(dir)) throw new ToolFailure($"the folder {dir} does not exist; create it first or "
            + $"choose another place for {Path.GetFileName(FinalPath)}");
        TempPath = Path.Combine(dir, $".{Path.GetFileName(FinalPath)}.liveinit-tmp");
        TreeRemover.Remove(TempPath);   // a leftover from an interrupted run
        var temp = TempPath;
        _interrupt = Interruption.OnInterrupt(() => TreeRemover.Remove(temp));
    }

    public string FinalPath { get; }
    public string TempPath { get; }

    /// <summary>fsync the temporary file, rename it over (or, with <paramref name="replace"/> false, beside a missing)
    /// final name, fsync the folder.</summary>
    public void Commit(bool replace = false)
    {
        if (Libc.TryLstat(TempPath, out var st) && st.IsRegular)
            using (var fd = Libc.Open(TempPath, Libc.O_RDONLY)) Libc.Fsync(fd, TempPath);
        var dir = Path.GetDirectoryName(FinalPath)!;
        using var dfd = Libc.Open(dir, Libc.O_RDONLY | Libc.O_DIRECTORY);
        var err = Libc.TryRenameat2(dfd, Path.GetFileName(TempPath), dfd, Path.GetFileName(FinalPath),
            replace ? 0 : Libc.RENAME_NOREPLACE);
        if (err == Errno.EEXIST) throw new ToolFailure($"{FinalPath} appeared while it was being made; nothing was "
            + "replaced");
        if (err != 0) throw new NativeException("rename", $"{TempPath} -> {FinalPath}", err);
        Libc.Fsync(dfd, dir);
        _committed = true;
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        if (!_committed) TreeRemover.Remove(TempPath);
    }
}
