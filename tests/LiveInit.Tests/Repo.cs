using System.Diagnostics;

namespace LiveInit.Tests;

/// <summary>Paths of the repository and helpers to run tools.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();
    public static string Agent => Path.Combine(Root, "artifacts", "liveinit");
    public static string Corpus => Path.Combine(Root, "tests", "data", "util-linux-blkid");

    private static string FindRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "LiveInit.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("LiveInit.sln not found above the test binary");
    }

    public static (int Code, string Out, string Err) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var outTask = p.StandardOutput.ReadToEndAsync();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, outTask.Result, err);
    }

    public static bool Has(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/sbin", "/usr/sbin"]).Any(d => File.Exists(Path.Combine(d, tool)));

    public static string TempDir(string name)
    {
        var d = Path.Combine(Path.GetTempPath(), "liveinit-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }
}
