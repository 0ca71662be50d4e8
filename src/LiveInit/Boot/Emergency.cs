using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot;

/// <summary>What happens when the boot cannot go on: the failure, the plan and every block device on the
/// console, then the emergency policy (<see cref="FailurePlan"/>: rd.emergency, liveinit.emergency, rd.shell,
/// mkinitramfs --emergency): an emergency shell, a reboot or a power-off. Nothing here throws, and as PID 1
/// nothing here returns: after the shell exits the machine reboots; when the shell cannot start it reboots;
/// when reboot(2) fails it tries to power off, then halt, and failing all of those it sleeps forever with a
/// message. PID 1 never exits, so the kernel never panics.</summary>
public static class Emergency
{
    private const int RebootDelayMs = 10_000;
    private static readonly string[] Shells = ["/bin/sh", "/bin/busybox"];

    /// <summary>Reports <paramref name="message"/> and applies the policy. Any argument but the message may be
    /// null (a failure before the plan or the context existed). Returns only when not PID 1.</summary>
    public static int Handle(BootLog log, BootPlan? plan, BootContext? ctx, IReadOnlyList<string> steps, string message)
    {
        var policy = Policy(plan);
        Report(log, plan, ctx, steps, message);
        if (Libc.Getpid() != 1) return 1;
        if (policy.Action == FailureAction.Shell) Try(() => ctx?.LoadRemainingDrivers());   // a USB keyboard
        Apply(log, policy);
        return 1;   // not reached: Apply never returns as PID 1
    }

    /// <summary>The policy of the plan; without a plan, the one the command line and the initramfs ask for;
    /// when even that cannot be read, no shell (fail closed).</summary>
    private static FailurePlan Policy(BootPlan? plan)
    {
        if (plan is not null) return plan.Failure;
        try
        {
            var cmdline = Cmdline.KernelCommandLine.FromProc();
            return Dialects.EmergencyPolicy.Resolve(cmdline, InitramfsDefaults.Load(), new Dialects.Diagnostics());
        }
        catch (Exception)
        {
            return new FailurePlan(FailureAction.Poweroff, "no policy could be read, fail closed");
        }
    }

    private static void Report(BootLog log, BootPlan? plan, BootContext? ctx, IReadOnlyList<string> steps,
        string message)
    {
        Try(() => log.Open());
        Try(() => log.Error(message.Split('\n')[0]));
        var text = "\n*** LiveInit could not boot the live system ***\n" + message.TrimEnd() + "\n\n";
        Try(() => { if (plan is not null) text += PlanText.Render(plan, steps); });
        Try(() =>
        {
            if (ctx is null) return;
            ctx.WaitForDrivers(10_000);
            var devices = ctx.RequireDevices();
            try { devices.Rescan(); } catch (IOException) { }
            text += "Block devices:\n" + devices.Report();
            if (ctx.Modules is { Failed.Count: > 0 } m)
                text += $"Modules that failed to load: {string.Join(", ", m.Failed)}\n";
        });
        Try(() => log.Console(text + "\n"));
    }

    [DoesNotReturn]
    private static void Apply(BootLog log, FailurePlan policy)
    {
        switch (policy.Action)
        {
            case FailureAction.Reboot:
                Say(log, $"Rebooting in {RebootDelayMs / 1000} seconds ({policy.Source}).\n");
                Thread.Sleep(RebootDelayMs);
                PowerDown(log, Libc.RB_AUTOBOOT);
                break;
            case FailureAction.Poweroff:
                Say(log, $"Powering off ({policy.Source}).\n");
                PowerDown(log, Libc.RB_POWER_OFF);
                break;
        }
        var why = RunShell(log);
        Say(log, why is null
            ? "The emergency shell exited: rebooting.\n"
            : $"No emergency shell ({why}): rebooting in {RebootDelayMs / 1000} seconds.\n");
        if (why is not null) Thread.Sleep(RebootDelayMs);
        PowerDown(log, Libc.RB_AUTOBOOT);
    }

    /// <summary>Runs the initramfs's shell until it exits; null when it ran, else why it could not.</summary>
    private static string? RunShell(BootLog log)
    {
        try
        {
            var shell = Shells.FirstOrDefault(File.Exists);
            if (shell is null) return $"none of {string.Join(", ", Shells)} exists";
            Say(log, "Starting the emergency shell (a root shell). Mount things by hand, then type 'exit' to reboot.\n");
            Try(() => log.Notice("emergency shell started"));
            var psi = new ProcessStartInfo(shell) { UseShellExecute = false };
            if (shell.EndsWith("busybox", StringComparison.Ordinal)) psi.ArgumentList.Add("sh");
            psi.Environment["PS1"] = "liveinit# ";
            using var p = Process.Start(psi);
            if (p is null) return $"{shell} did not start";
            p.WaitForExit();
            return null;
        }
        catch (Exception e)
        {
            return $"it could not start: {e.Message}";
        }
    }

    /// <summary>reboot(2) as asked, then the other ways down; when every one fails, a message and sleep,
    /// forever. Never returns, never throws.</summary>
    [DoesNotReturn]
    public static void PowerDown(BootLog log, uint how)
    {
        Try(Libc.Sync);
        var errors = new List<string>();
        foreach (var h in new[] { how, Libc.RB_POWER_OFF, Libc.RB_HALT_SYSTEM }.Distinct())
        {
            try { Libc.Reboot(h); }
            catch (Exception e) { errors.Add(e.Message); }
        }
        while (true)
        {
            Say(log, $"LiveInit: the machine could neither reboot nor power off ({string.Join("; ", errors)}). "
                     + "It is safe to switch it off now.\n");
            Thread.Sleep(TimeSpan.FromMinutes(10));
        }
    }

    private static void Say(BootLog log, string text) => Try(() => log.Console(text));

    private static void Try(Action a)
    {
        try { a(); }
        catch (Exception) { }   // the emergency path itself must not fail
    }
}
