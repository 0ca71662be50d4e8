namespace LiveInit.Tools.Common;

/// <summary>Runs mksquashfs into a temporary name and turns its progress bar ("[====] 229/229 100%", printed even
/// into a pipe) into ours. The caller commits the <see cref="AtomicOutput"/>.</summary>
public static class Mksquashfs
{
    /// <summary>The (done, total) of a progress line of mksquashfs, or null (pure).</summary>
    public static (long Done, long Total)? ParseProgress(string line)
    {
        var close = line.LastIndexOf(']');
        if (close < 0 || !line.TrimEnd().EndsWith('%')) return null;
        var words = line[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 2) return null;
        var slash = words[0].IndexOf('/');
        if (slash < 0 || !long.TryParse(words[0][..slash], out var done) || !long.TryParse(words[0][(slash + 1)..],
            out var total))
            return null;
        return (done, total);
    }

    /// <summary>mksquashfs SOURCE OUTPUT -noappend [args]; progress in blocks; failures name the tool's last
    /// lines.</summary>
    public static void Run(string source, string output, IEnumerable<string> args, string what, Say say)
    {
        var tool = ExternalTool.Require("mksquashfs", what);
        Progress? bar = null;
        ExternalTool.RunChecked(tool, new[] { source, output, "-noappend" }.Concat(args), what, line =>
        {
            if (ParseProgress(line) is { } p)
            {
                bar ??= new Progress("mksquashfs", p.Total, bytes: false);
                bar.Report(p.Done);
            }
            else if (line.StartsWith("Filesystem size", StringComparison.Ordinal)) say.Detail(line.Trim());
        });
        bar?.Finish();
    }

    /// <summary>The -comp/-Xcompression-level arguments (cowpacman2srm's -c and -l).</summary>
    public static IEnumerable<string> Compression(string algorithm, string? level)
    {
        if (algorithm.Length == 0 || !LiveInit.Text.Chars.All(algorithm, c => char.IsAsciiLetterLower(c)
            || char.IsAsciiDigit(c))) throw new ToolFailure($"'{algorithm}' is not a compression name mksquashfs "
            + "knows (gzip, lzo, lz4, xz, zstd)");
        yield return "-comp";
        yield return algorithm;
        if (level is null) yield break;
        if (!int.TryParse(level, out _)) throw new ToolFailure($"the compression level must be a number, not '{level}'");
        yield return "-Xcompression-level";
        yield return level;
    }
}
