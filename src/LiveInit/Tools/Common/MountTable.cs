using System.Text;

namespace LiveInit.Tools.Common;

/// <summary>One line of /proc/self/mountinfo (proc(5)): the mount point, the filesystem type, the source and the
/// superblock options, with the kernel's octal escapes (\040 for a space, \054 for a comma in an option) undone.</summary>
public sealed record MountEntry(int Id, int ParentId, string MajorMinor, string Root, string MountPoint,
    string MountOptions, string FsType, string Source, string SuperOptions)
{
    /// <summary>The value of <c>name=</c> in the superblock options (split on the unescaped commas the kernel
    /// writes between options; a comma inside a value is escaped as \054 by seq_show_option), or null.</summary>
    public string? Option(string name)
    {
        foreach (var o in SuperOptions.Split(','))
            if (o.StartsWith(name + "=", StringComparison.Ordinal)) return MountTable.Unescape(o[(name.Length + 1)..]);
        return null;
    }

    public bool ReadOnly => MountOptions.Split(',').Contains("ro");
}

/// <summary>Parses /proc/self/mountinfo (pure: the text is given) and answers which mount holds a path.</summary>
public sealed class MountTable(IReadOnlyList<MountEntry> entries)
{
    public IReadOnlyList<MountEntry> Entries { get; } = entries;

    public static MountTable Read() => Parse(File.ReadAllText("/proc/self/mountinfo"));

    public static MountTable Parse(string text)
    {
        var list = new List<MountEntry>();
        foreach (var raw in text.Split('\n'))
        {
            var f = raw.Split(' ');
            var dash = Array.IndexOf(f, "-");
            if (dash < 6 || dash + 2 >= f.Length) continue;
            if (!int.TryParse(f[0], out var id) || !int.TryParse(f[1], out var parent)) continue;
            list.Add(new MountEntry(id, parent, f[2], Unescape(f[3]), Unescape(f[4]), f[5], f[dash + 1],
                Unescape(f[dash + 2]), dash + 3 < f.Length ? f[dash + 3] : ""));
        }
        return new MountTable(list);
    }

    /// <summary>The mount a path lies on: the longest mount point that is a prefix of it, the later of equal ones
    /// (a mount over a mount hides the first). The path should be absolute and free of links.</summary>
    public MountEntry? ForPath(string path)
    {
        MountEntry? best = null;
        foreach (var e in Entries)
        {
            var mp = e.MountPoint;
            var under = mp == "/" || path == mp || path.StartsWith(mp + "/", StringComparison.Ordinal);
            if (under && (best is null || mp.Length >= best.MountPoint.Length)) best = e;
        }
        return best;
    }

    /// <summary>The mount exactly at <paramref name="mountPoint"/> (the topmost one).</summary>
    public MountEntry? At(string mountPoint) => Entries.LastOrDefault(e => e.MountPoint == mountPoint);

    /// <summary>Mount points strictly below <paramref name="dir"/>.</summary>
    public IEnumerable<string> Below(string dir) =>
        Entries.Select(e => e.MountPoint)
            .Where(mp => mp != dir && (dir == "/" ? mp.Length > 1 : mp.StartsWith(dir + "/", StringComparison.Ordinal)))
            .Distinct();

    /// <summary>Undoes the kernel's \ooo escapes (mangle() in fs/proc_namespace.c, seq_escape).</summary>
    public static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var bytes = new List<byte>(s.Length);
        var raw = Encoding.UTF8.GetBytes(s);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\\' && IsOctal(raw, i + 1))
            {
                bytes.Add((byte)((raw[i + 1] - '0') * 64 + (raw[i + 2] - '0') * 8 + (raw[i + 3] - '0')));
                i += 3;
            }
            else bytes.Add(raw[i]);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(byte[] b, int at) =>
        at + 2 < b.Length && b[at] is >= (byte)'0' and <= (byte)'3' && b[at + 1] is >= (byte)'0' and <= (byte)'7'
        && b[at + 2] is >= (byte)'0' and <= (byte)'7';
}
