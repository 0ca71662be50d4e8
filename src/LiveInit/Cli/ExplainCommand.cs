using LiveInit.Boot;
using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Plan;
using LiveInit.Verify;

namespace LiveInit.Cli;

/// <summary><c>liveinit explain</c>: the plan for a command line, without touching any device.</summary>
public static class ExplainCommand
{
    public static int Run(string[] args)
    {
        var o = Options.Parse(args, ["cmdline", "format", "initramfs-config", "trusted-keys", "medium", "device"]);
        var format = o.Get("format") ?? "text";
        if (format is not ("text" or "json")) throw new UsageException($"--format must be text or json, not '{format}'");
        var cmdline = o.Get("cmdline") is { } text ? KernelCommandLine.Parse(text) : KernelCommandLine.FromProc();
        var config = o.Get("initramfs-config");
        if (config is not null && !File.Exists(config))
            throw new UsageException($"--initramfs-config: {config} does not exist");
        // in the initramfs (or with --initramfs-config) the image's own emergency default counts, as at boot
        // and so do its trusted keys (or --trusted-keys DIR: the folder mkinitramfs --trust-key fills)
        var keys = o.Get("trusted-keys") is { } dir
            ? TrustStore.Load(dir, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dir))!, "verify.conf"))
            : TrustStore.Load();
        var defaults = InitramfsDefaults.Load(config ?? InitramfsDefaults.DefaultPath);
        if (o.Get("medium") is { } medium) cmdline = Detect(cmdline, medium, o.Get("device") ?? "/dev/medium");
        Console.Out.Write(Render(cmdline, format, defaults, keys));
        return 0;
    }

    /// <summary>--medium DIR: when the command line has no dialect parameter, the layout detection of the boot run
    /// on a mounted medium; says which layout it found and returns the command line that layout's plan comes from.
    /// </summary>
    private static KernelCommandLine Detect(KernelCommandLine cmdline, string dir, string device)
    {
        var plan = DialectSelector.Plan(cmdline);
        if (plan.Layout is not { Detect.Count: > 0 } layout)
        {
            Console.Out.WriteLine($"layout detection: not used (the command line names the {plan.Dialect} dialect)");
            return cmdline;
        }
        if (!Directory.Exists(dir)) throw new UsageException($"--medium: {dir} is not a folder (mount the medium first)");
        using var root = Media.MediumRoot.Open(dir);
        var hit = Boot.Layouts.LayoutDetector.Find(root, layout.Detect)
            ?? throw new UsageException($"--medium: {dir} holds none of "
                                        + string.Join(", ", layout.Detect.Select(x => "/" + x.Marker)));
        var extra = Boot.Layouts.LayoutDetector.Parameters(hit.Layout, hit.Folder, device);
        var where = hit.Folder is { } f ? f + hit.Layout.Marker[1..] : hit.Layout.Marker;
        Console.Out.WriteLine($"layout detected: /{where}: the {hit.Layout.Dialect} layout; booting as if given: {extra}");
        return KernelCommandLine.Parse($"{extra} {cmdline.Raw}");
    }

    public static string Render(KernelCommandLine cmdline, string format, InitramfsDefaults? image = null,
        TrustStore? keys = null)
    {
        var plan = DialectSelector.Plan(cmdline, image, keys);
        var steps = BootSequence.For(plan).Select(s => s.Describe()).ToList();
        if (format == "text") return PlanText.Render(plan, steps);
        return PlanJson.Serialize(new ExplainDocument(cmdline.Raw, plan, steps)) + "\n";
    }
}
