using System.ComponentModel;
using System.Diagnostics;

namespace LiveInit.Initramfs;

/// <summary>Runs a build-host tool (depmod, xz, zstd) for mkinitramfs: optional bytes on standard input,
/// standard output returned, a non-zero exit or a missing tool reported as an IOException saying what to do.</summary>
internal static class HostTool
{
    /// <summary>True when <paramref name="tool"/> is an executable file in a folder of PATH.</summary>
    public static bool Exists(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Any(d => File.Exists(Path.Combine(d, tool)));

    public static byte[] Run(string tool, IEnumerable<string> args, byte[]? stdin = null, string? missingHint = null)
    {
        var psi = new ProcessStartInfo(tool)
        { UseShellExecute = false, RedirectStandardInput = stdin is not null, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi) ?? throw new IOException($"{tool} could not be started"); }
        catch (Win32Exception) { throw new IOException(missingHint ?? $"{tool} is not installed"); }
        using (p)
        {
            var output = Task.Run(() => { using var ms = new MemoryStream(); p.StandardOutput.BaseStream.CopyTo(ms); return ms.ToArray(); });
            var error = Task.Run(() => p.StandardError.ReadToEnd());
            if (stdin is not null)
            {
                p.StandardInput.BaseStream.Write(stdin);
                p.StandardInput.Close();
            }
            p.WaitForExit();
            if (p.ExitCode != 0) throw new IOException($"{tool} {string.Join(' ', psi.ArgumentList)} failed: {error.Result.Trim()}");
            return output.Result;
        }
    }
}
