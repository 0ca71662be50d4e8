using LiveInit.Boot;
using LiveInit.Tools.Analyze;

namespace LiveInit.Cli;

/// <summary><c>liveinit analyze [blame|time] [--file PATH]</c>: where the initramfs stage of this boot spent its
/// time, read from the file the boot left in /run.</summary>
public static class AnalyzeCommand
{
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var o = Options.Parse(args, ["file"]);
        var view = o.Positionals.Count switch
        {
            0 => "blame",
            1 when o.Positionals[0] is "blame" or "time" => o.Positionals[0],
            _ => throw new UsageException($"expected blame or time, not '{string.Join(' ', o.Positionals)}'"),
        };
        var path = o.Get("file") ?? BootTimings.DefaultPath;
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            stderr.WriteLine($"liveinit analyze: {path} does not exist: this system was not booted by "
                + "LiveInit 0.1.0 or later (or /run was cleared); --file names another copy");
            return 1;
        }
        if (info.Length > TimingReport.MaxBytes)
        {
            stderr.WriteLine($"liveinit analyze: {path} is larger than {TimingReport.MaxBytes} bytes: not a timing file");
            return 1;
        }
        TimingReport report;
        try { report = TimingReport.Parse(File.ReadAllText(path)); }
        catch (FormatException e)
        {
            stderr.WriteLine($"liveinit analyze: {path}: {e.Message}");
            return 1;
        }
        stdout.Write(view == "time" ? report.Time() : report.Blame());
        return 0;
    }
}
