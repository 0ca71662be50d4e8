using System.Diagnostics;
using System.Globalization;
using LiveInit.Boot.Steps;
using LiveInit.Cmdline;
using LiveInit.Devices;
using LiveInit.Dialects;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot;

/// <summary>The boot: as PID 1 (/init) or as <c>liveinit boot</c>. Reads the command line and the initramfs's
/// defaults, builds the plan, runs its steps in order; any failure, expected or not, goes to
/// <see cref="Emergency"/>, which as PID 1 never returns.</summary>
public static class InitMain
{
    /// <summary>What the emergency report can use when a failure comes, filled in as the boot goes.</summary>
    private sealed class State
    {
        public BootPlan? Plan;
        public BootContext? Context;
        public IReadOnlyList<string> Steps = [];
    }

    public static int Run(string[] args)
    {
        var log = new BootLog();
        var state = new State();
        try { return Boot(args, log, state); }
        catch (Exception e)
        {
            return Emergency.Handle(log, state.Plan, state.Context, state.Steps, $"internal error: {Probe.ExceptionNames.Of(e)}: {e.Message}");
        }
    }

    private static int Boot(string[] args, BootLog log, State state)
    {
        try { MountKernelFilesystems.MountAll(); }
        catch (NativeException e) { Console.Error.WriteLine($"liveinit: {e.Message}"); }
        log.Open(unlimitKmsg: true);
        var timings = BootTimings.Start();   // /proc is mounted: the kernel's time to /init
        string? cmdlineText = null;
        var options = BootOptions.Default;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--cmdline" when i + 1 < args.Length: cmdlineText = args[++i]; break;
                case "--sysroot" when i + 1 < args.Length: options = options with { NewRoot = args[++i] }; break;
                case "--no-switch-root": options = options with { SwitchRoot = false }; break;
                default: log.Warn($"boot: unknown argument '{args[i]}' ignored"); break;
            }
        }
        KernelCommandLine cmdline;
        try { cmdline = cmdlineText is not null ? KernelCommandLine.Parse(cmdlineText) : KernelCommandLine.FromProc(); }
        catch (IOException) { cmdline = KernelCommandLine.Parse(""); }
        var plan = state.Plan = DialectSelector.Plan(cmdline, InitramfsDefaults.Load(), Verify.TrustStore.Load());
        log.Quiet = plan.Log.Quiet;
        log.Debug = plan.Log.Debug;
        log.LogLevel = plan.Log.LogLevel;
        log.Notice($"LiveInit {Cli.Program.Version}: {plan.Dialect} boot");
        foreach (var d in plan.Diagnostics)
        {
            if (d.Severity == Severity.Error) log.Error($"{d.Parameter}: {d.Message}");
            else log.Warn($"{d.Parameter}: {d.Message}");
        }

        using var ctx = new BootContext(plan, log, options);
        state.Context = ctx;
        ctx.Timings = timings;
        ctx.Uevents = UeventListener.TryOpen(log.Warn);   // before the first sysfs scan
        var steps = BootSequence.For(plan, options).ToList();
        var descriptions = steps.Select(s => s.Describe()).ToList();
        state.Steps = descriptions;
        log.Detail(string.Create(CultureInfo.InvariantCulture, $"timing: kernel to /init {timings.KernelS:0.000} s"));
        LogTiming(log, timings, timings.Record("start", "mounts, log, command line and plan", timings.ProcessStartS));
        var total = Stopwatch.StartNew();
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            log.Info($"[{i + 1}/{steps.Count}] {descriptions[i]}");
            var sw = Stopwatch.StartNew();
            timings.Begin(BootTimings.NameOf(step), descriptions[i]);
            try { step.Run(ctx); }
            catch (BootFailure e) { return Emergency.Handle(log, plan, ctx, descriptions, e.Message); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Emergency.Handle(log, plan, ctx, descriptions, $"step '{descriptions[i]}' failed: {e.Message}");
            }
            catch (Exception e)
            {
                var what = $"internal error in step '{descriptions[i]}': {Probe.ExceptionNames.Of(e)}: {e.Message}";
                return Emergency.Handle(log, plan, ctx, descriptions, what);
            }
            log.Trace($"step {i + 1} took {sw.ElapsedMilliseconds} ms (total {total.ElapsedMilliseconds} ms)");
            if (ctx.Layout.NextPlan is { } next)
            {
                // layout detection found the medium's layout: its dialect's plan goes on from here (the kernel
                // filesystems and the drivers are there already)
                ctx.Layout.NextPlan = null;
                plan = state.Plan = next;
                ctx.Adopt(next);
                var rest = BootSequence.For(next, options).Where(x => x is not (MountKernelFilesystems or LoadDrivers));
                steps.AddRange(rest);
                descriptions.AddRange(steps.Skip(descriptions.Count).Select(x => x.Describe()));
            }
            if (timings.End() is { } t) LogTiming(log, timings, t);
        }
        if (!steps.Any(s => s is AssembleRoot))
            return Emergency.Handle(log, plan, ctx, descriptions, "the command line does not describe a live medium: "
                + string.Join("; ", plan.Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.Message)));
        ctx.FinishDrivers();
        log.Notice($"root assembled at {options.NewRoot}; the embedding initramfs switches to it");
        return 0;
    }

    /// <summary>A step's timing to kmsg, and the whole list to /run/liveinit/timings.json.</summary>
    internal static void LogTiming(BootLog log, BootTimings timings, StepTiming t)
    {
        log.Detail(BootTimings.LogLine(t));
        if (!timings.TrySave()) log.Detail($"timing: {BootTimings.DefaultPath} could not be written");
    }
}
