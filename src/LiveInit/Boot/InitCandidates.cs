using System.Text;
using LiveInit.Native;

namespace LiveInit.Boot;

/// <summary>
/// Which program the new root's init can be, checked before anything irreversible happens (the initramfs,
/// with its emergency shell, is still there). The order is the kernel's own (init/main.c): <c>init=</c> when
/// given, then /sbin/init, /etc/init, /bin/init, /bin/sh. A candidate is good when, resolved inside the new
/// root (an absolute symlink stays inside it), it is a regular file with an execute bit that starts with an
/// ELF header, or with <c>#!</c> naming an interpreter that is itself a good file in the new root.
/// </summary>
public static class InitCandidates
{
    public static readonly string[] KernelOrder = ["/sbin/init", "/etc/init", "/bin/init", "/bin/sh"];
    private const int HeaderBytes = 256;   // the kernel reads at most BINPRM_BUF_SIZE (256) bytes for #!
    private static ReadOnlySpan<byte> ElfMagic => [0x7f, (byte)'E', (byte)'L', (byte)'F'];

    /// <summary>A candidate and, when it cannot be executed, why not (null: good).</summary>
    public sealed record Candidate(string Path, string? Problem)
    {
        public bool IsGood => Problem is null;
    }

    /// <summary>init= first (when given), then the kernel's order; no path twice.</summary>
    public static IReadOnlyList<string> Order(string? initParameter) =>
        (initParameter is null ? KernelOrder : [initParameter, .. KernelOrder])
        .Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Every candidate, in order, with its problem (if any) inside <paramref name="root"/>.</summary>
    public static IReadOnlyList<Candidate> Check(string root, string? initParameter) =>
        Order(initParameter).Select(p => new Candidate(p, Problem(root, p))).ToList();

    /// <summary>Why <paramref name="path"/> cannot be the init of <paramref name="root"/>; null when it can.</summary>
    public static string? Problem(string root, string path)
    {
        var file = RootSwitcher.ResolveInRoot(root, path);
        if (file is null) return "its symbolic links loop or cannot be read";
        if (FileProblem(file) is { } p) return p;
        byte[] header;
        try { header = ReadHeader(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read ({e.Message})";
        }
        if (header.AsSpan().StartsWith(ElfMagic)) return null;
        if (header.Length >= 2 && header[0] == (byte)'#' && header[1] == (byte)'!')
            return InterpreterProblem(root, header);
        return "is neither an ELF program nor a #! script";
    }

    private static string? FileProblem(string file)
    {
        if (!Libc.TryStat(file, out var st)) return "does not exist";
        if (st.IsDirectory) return "is a directory";
        if (!st.IsRegular) return "is not a regular file";
        var mode = Convert.ToString(st.Mode & 0xfff, 8).PadLeft(4, '0');
        if ((st.Mode & 0x49) == 0) return $"is not executable (mode {mode})";   // no x bit (0111) at all
        return null;
    }

    private static string? InterpreterProblem(string root, byte[] header)
    {
        var end = Array.IndexOf(header, (byte)'\n');
        var line = Encoding.UTF8.GetString(header, 2, (end < 0 ? header.Length : end) - 2).Trim(' ', '\t', '\r');
        var interpreter = line.Split([' ', '\t'], 2)[0];
        if (interpreter.Length == 0) return "is a #! script that names no interpreter";
        if (!interpreter.StartsWith('/'))
            return $"is a #! script whose interpreter '{interpreter}' is not an absolute path";
        var file = RootSwitcher.ResolveInRoot(root, interpreter);
        var problem = file is null ? "its symbolic links loop" : FileProblem(file);
        return problem is null ? null : $"is a #! script whose interpreter {interpreter} {problem} in the new root";
    }

    /// <summary>The first bytes of a file, never more (O_NONBLOCK: a FIFO put there cannot block PID 1).</summary>
    private static byte[] ReadHeader(string file)
    {
        using var fd = Libc.Open(file, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_NOCTTY);
        var buf = new byte[HeaderBytes];
        var n = Libc.PRead(fd, buf, 0, file);
        return buf[..n];
    }
}
