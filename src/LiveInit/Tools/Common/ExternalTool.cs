using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace LiveInit.Tools.Common;

/// <summary>
/// The well-kept tools the live-system commands call instead of reimplementing them (mksquashfs, mkfs.ext4,
/// e2fsck, resize2fs, systemctl, curl, ...). A missing tool is named with the package that brings it. Output is
/// read as it comes, split on carriage returns and newlines, so a caller can turn a tool's own progress display
/// into ours; the last lines are kept for the error message when the tool fails.
/// </summary>
public static class ExternalTool
{
    private static readonly Dictionary<string, string> Packages = new()
    {
        ["mksquashfs"] = "squashfs-tools", ["unsquashfs"] = "squashfs-tools", ["mkfs.ext4"] = "e2fsprogs",
        ["mke2fs"] = "e2fsprogs", ["e2fsck"] = "e2fsprogs", ["resize2fs"] = "e2fsprogs", ["tune2fs"] = "e2fsprogs",
        ["systemctl"] = "systemd", ["curl"] = "curl", ["wget"] = "wget", ["modprobe"] = "kmod",
    };

    private static readonly string[] ExtraDirs = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
        "/sbin", "/bin"];

    /// <summary>The tool's path (PATH first, then the usual sbin and bin folders), or null.</summary>
    public static string? Find(string name)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(ExtraDirs);
        foreach (var dir in dirs)
        {
            var p = Path.Combine(dir, name);
            if (Native.Libc.TryStat(p, out var st) && st.IsRegular && (st.Mode & 0x49) != 0) return p;
        }
        return null;
    }

    /// <summary>The tool's path, or a failure that says which package to install and why it is needed.</summary>
    public static string Require(string name, string purpose) =>
        Find(name) ?? throw new ToolFailure(
            $"{name} is not installed; it is needed to {purpose}. Install it (package "
                + $"{Packages.GetValueOrDefault(name, name)}) and run this again.");

    public sealed record Result(int ExitCode, IReadOnlyList<string> Tail)
    {
        public string TailText => string.Join("\n", Tail.Select(l => "    " + l));
    }

    /// <summary>Runs a tool with standard output and error read line by line (a carriage return ends a line too:
    /// that is how progress bars redraw). <paramref name="onLine"/> sees every line; the last 20 are kept.</summary>
    public static Result Run(string tool, IEnumerable<string> args, Action<string>? onLine = null, string? purpose = null)
    {
        var path = tool.Contains('/') ? tool : Require(tool, purpose ?? "finish this command");
        var psi = new ProcessStartInfo(path)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_ALL"] = "C";
        Process p;
        try { p = Process.Start(psi) ?? throw new ToolFailure($"{path} could not be started"); }
        catch (Win32Exception e) { throw new ToolFailure($"{path} could not be started: {e.Message}"); }
        var tail = new Queue<string>();
        var gate = new object();
        void Line(string l)
        {
            lock (gate)
            {
                if (l.Trim().Length > 0) { tail.Enqueue(l.TrimEnd()); if (tail.Count > 20) tail.Dequeue(); }
                onLine?.Invoke(l);
            }
        }
        using (p)
        {
            p.StandardInput.Close();
            var err = Task.Run(() => Pump(p.StandardError.BaseStream, Line));
            Pump(p.StandardOutput.BaseStream, Line);
            err.Wait();
            p.WaitForExit();
            return new Result(p.ExitCode, tail.ToList());
        }
    }

    /// <summary><see cref="Run"/> that turns a non-zero exit into a failure naming the tool and its last lines.</summary>
    public static Result RunChecked(string tool, IEnumerable<string> args, string what, Action<string>? onLine = null)
    {
        var list = args.ToList();
        var r = Run(tool, list, onLine, what);
        if (r.ExitCode != 0)
            throw new ToolFailure($"{what} failed: {Path.GetFileName(tool)} {string.Join(' ', list)} exited with "
                + $"{r.ExitCode}:\n{r.TailText}");
        return r;
    }

    /// <summary>Splits a byte stream into lines at '\n' and '\r' (pure; used on tool output).</summary>
    public static void Pump(Stream s, Action<string> onLine)
    {
        var buf = new byte[8192];
        var line = new StringBuilder();
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[8192];
        int n;
        while ((n = s.Read(buf, 0, buf.Length)) > 0)
        {
            var c = decoder.GetChars(buf, 0, n, chars, 0);
            for (var i = 0; i < c; i++)
            {
                if (chars[i] is '\n' or '\r')
                {
                    if (line.Length > 0) onLine(line.ToString());
                    line.Clear();
                }
                else if (line.Length < 4096) line.Append(chars[i]);
            }
        }
        if (line.Length > 0) onLine(line.ToString());
    }
}
