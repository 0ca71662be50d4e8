using LiveInit.Devices;
using LiveInit.Devices.Udev;

namespace LiveInit.Cli;

/// <summary><c>liveinit names [--sys DIR] [NAME...]</c>: the /dev/disk/by-id and by-path names LiveInit computes for
/// each block device (what a <c>root=live:/dev/disk/by-id/…</c> is matched against), one "by-…/NAME DEVICE" line
/// each, sorted; no links are made.</summary>
public static class NamesCommand
{
    public static int Run(string[] args)
    {
        var sys = "/sys";
        var names = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--sys" && i + 1 < args.Length) sys = args[++i];
            else if (args[i].StartsWith('-'))
                throw new UsageException($"unknown option '{args[i]}' (names [--sys DIR] [NAME...])");
            else names.Add(args[i].StartsWith("/dev/", StringComparison.Ordinal) ? args[i][5..] : args[i]);
        }
        if (names.Count == 0) names.AddRange(SysfsBlock.Enumerate(sys).Select(d => d.Name));
        var lines = new List<string>();
        foreach (var n in names)
            foreach (var link in UdevNames.Of(n, sys)) lines.Add($"{link} /dev/{n}");
        lines.Sort(StringComparer.Ordinal);
        foreach (var l in lines) Console.Out.WriteLine(l);
        return 0;
    }
}
