namespace LiveInit.Media;

/// <summary>A path on a medium that the confined opener will not use: it leads off the medium (an absolute
/// symlink, <c>..</c> above the mount, another filesystem), is the wrong kind of file (a device node, a FIFO, a
/// directory where a file is expected), or loops. The message says what, where and why, for the console.</summary>
public sealed class RefusedPathException(string where, string why) : IOException($"{where}: refused: {why}")
{
    public string Where { get; } = where;
    public string Why { get; } = why;
}
