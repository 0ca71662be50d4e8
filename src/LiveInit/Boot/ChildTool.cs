using System.Diagnostics;

namespace LiveInit.Boot;

/// <summary>A bundled program (cryptsetup, mke2fs) run as a child of the boot with a time limit: killed when it
/// overruns, its output kept (trimmed) for the warning. <c>console</c>: the child gets the console itself (standard
/// input, output and error inherited) to ask a question there; nothing is captured then.</summary>
internal static class ChildTool
{
    public sealed record Outcome(string Program, int ExitCode, string Output, int? TimedOutAfter, string? StartError)
    {
        public bool Ok => StartError is null && TimedOutAfter is null && ExitCode == 0;

        /// <summary>What went wrong, for a warning: "cryptsetup failed (2): …", "… did not finish within 30 s".
        /// </summary>
        public string Why => StartError is not null ? $"{Program} could not run: {StartError}"
            : TimedOutAfter is { } s ? $"{Program} did not finish within {s} s"
            : $"{Program} failed ({ExitCode}){(Output.Length > 0 ? ": " + Output : "")}";
    }

    public static Outcome Run(string program, IReadOnlyList<string> args, int seconds, string? input = null,
        bool console = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            UseShellExecute = false, RedirectStandardInput = !console, RedirectStandardOutput = !console,
            RedirectStandardError = !console,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = "/sbin:/bin";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        try
        {
            using var proc = Process.Start(psi);
            if (proc is null) return new(program, -1, "", null, "it did not start");
            Task<string>? err = null, output = null;
            if (!console)
            {
                err = proc.StandardError.ReadToEndAsync();
                output = proc.StandardOutput.ReadToEndAsync();
                try
                {
                    if (input is not null) proc.StandardInput.Write(input);
                    proc.StandardInput.Close();
                }
                catch (IOException) { }   // the child exited without reading: its exit code tells why
            }
            if (!proc.WaitForExit(seconds * 1000))
            {
                proc.Kill();
                proc.WaitForExit(5000);
                return new(program, -1, "", seconds, null);
            }
            // the output readers end when the pipes close; a grandchild that keeps them open does not hold the boot
            var text = console || !Task.WaitAll([err!, output!], 5000) ? "" : Trim(err!.Result + " " + output!.Result);
            return new(program, proc.ExitCode, text, null, null);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException
                                      or InvalidOperationException)
        {
            return new(program, -1, "", null, e.Message);
        }
    }

    private static string Trim(string s)
    {
        s = s.Trim().Replace('\n', ' ');
        return s.Length > 300 ? s[..300] + "…" : s;
    }
}
