using System.Text.Json;
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
        var o = Options.Parse(args, ["cmdline", "format", "initramfs-config", "trusted-keys"]);
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
        Console.Out.Write(Render(cmdline, format, InitramfsDefaults.Load(config ?? InitramfsDefaults.DefaultPath), keys));
        return 0;
    }

    public static string Render(KernelCommandLine cmdline, string format, InitramfsDefaults? image = null,
        TrustStore? keys = null)
    {
        var plan = DialectSelector.Plan(cmdline, image, keys);
        var steps = BootSequence.For(plan).Select(s => s.Describe()).ToList();
        if (format == "text") return PlanText.Render(plan, steps);
        var context = new PlanJsonContext(new JsonSerializerOptions(PlanJsonContext.Default.Options)
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        return JsonSerializer.Serialize(new ExplainDocument(cmdline.Raw, plan, steps), context.ExplainDocument) + "\n";
    }
}
