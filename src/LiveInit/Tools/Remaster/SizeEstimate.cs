using LiveInit.Native;
using LiveInit.Tools.Common;

namespace LiveInit.Tools.Remaster;

/// <summary>
/// What goes into a remastered image and how big it will be, as antiX's live-remaster page estimates it:
/// <c>du</c> of the running root (the seed's <c>du -sm /aufs</c>) times 0.45, plus 10 MiB. Left out, for both
/// the estimate and mksquashfs: the content of tmp, var/tmp and var/log (mklinuxfs' defaults), the content of every
/// other mounted filesystem (/proc, /sys, /dev, /run, the boot device, a separate /home), and what -e names.
/// </summary>
public sealed class RootSelection(IReadOnlyList<string> contentExcluded, IReadOnlyList<string> excluded)
{
    public static readonly string[] DefaultContentExcludes = ["tmp", "var/tmp", "var/log"];

    /// <summary>Folders whose content is left out (kept as empty folders), relative to /.</summary>
    public IReadOnlyList<string> ContentExcluded { get; } = contentExcluded;
    /// <summary>Paths left out altogether (-e), relative to /.</summary>
    public IReadOnlyList<string> Excluded { get; } = excluded;

    public static RootSelection For(MountTable mounts, IEnumerable<string> userExcludes) =>
        new(DefaultContentExcludes.Concat(mounts.Below("/").Select(m
            => m.TrimStart('/'))).Distinct().Order(StringComparer.Ordinal).ToList(),
            userExcludes.Select(e => e.Trim('/')).Where(e => e.Length > 0).ToList());

    /// <summary>The entry at <paramref name="rel"/> (relative to /) is left out.</summary>
    public bool Leaves(string rel) =>
        Excluded.Any(e => rel == e || rel.StartsWith(e + "/", StringComparison.Ordinal))
        || ContentExcluded.Any(e => rel.StartsWith(e + "/", StringComparison.Ordinal));

    /// <summary>mksquashfs arguments (-wildcards): "tmp/*" keeps tmp but not what is in it; -e paths as given.</summary>
    public IEnumerable<string> MksquashfsArgs()
    {
        yield return "-wildcards";
        yield return "-e";
        foreach (var c in ContentExcluded) yield return Wild(c) + "/*";
        foreach (var e in Excluded) yield return Wild(e);
    }

    private static string Wild(string path) =>
        LiveInit.Text.Chars.Escape(path, ch => ch is '*' or '?' or '[' or ']' or '\\');

    /// <summary>Bytes the selection takes on disk (du: allocated blocks; links never followed).</summary>
    public long DiskUsage(string root = "/", Action<long>? onFile = null)
    {
        long total = 0;
        var stack = new Stack<(string Abs, string Rel)>();
        stack.Push((root, ""));
        while (stack.Count > 0)
        {
            var (dir, rel) = stack.Pop();
            List<string> names;
            try { names = TreeRemover.Names(dir); }
            catch (IOException) { continue; }
            foreach (var name in names)
            {
                var r = rel.Length == 0 ? name : rel + "/" + name;
                if (Leaves(r)) continue;
                var p = dir == "/" ? "/" + name : dir + "/" + name;
                if (!Libc.TryLstat(p, out var st)) continue;
                var bytes = st.Blocks * 512;
                if (bytes == 0 && st.IsRegular) bytes = (st.Size + 4095) / 4096 * 4096;
                total += bytes;
                onFile?.Invoke(bytes);
                if (st.IsDirectory) stack.Push((p, r));
            }
        }
        return total;
    }
}

/// <summary>The seed's formula (pure): 0.45 of the data plus 10 MiB; and its quicker, more conservative variant:
/// the current image plus 0.45 of the changes plus 10 MiB.</summary>
public static class SizeEstimate
{
    public const double Ratio = 0.45;
    public const long MarginBytes = 10L << 20;

    public static long FromData(long dataBytes) => (long)(dataBytes * Ratio) + MarginBytes;

    public static long FromImageAndChanges(long imageBytes, long changeBytes) => imageBytes
        + (long)(changeBytes * Ratio) + MarginBytes;
}
