using System.Diagnostics;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot;

/// <summary>What happens when the boot cannot go on: the failure, the plan and every block device on the
/// console, then (per rd.emergency / liveinit.emergency) an emergency shell, a reboot or a power-off.
/// PID 1 never exits, so the kernel never panics.</summary>
public static class Emergency
{
    public static int Handle(BootContext ctx, IReadOnlyList<string> steps, string message)
    {
        var log = ctx.Log;
        log.Open();
        log.Error(message.Split('\n')[0]);
        ctx.WaitForDrivers(10_000);
        var devices = ctx.RequireDevices();
        try { devices.Rescan(); } catch (IOException) { }
        log.Console($"\n*** LiveInit could not boot the live system ***\n{message.TrimEnd()}\n\n"
                    + PlanText.Render(ctx.Plan, steps)
                    + "Block devices:\n" + devices.Report()
                    + (ctx.Modules is { Failed.Count: > 0 } m ? $"Modules that failed to load: {string.Join(", ", m.Failed)}\n" : "")
                    + "\n");
        if (Libc.Getpid() != 1) return 1;
        switch (ctx.Plan.Failure.Action)
        {
            case FailureAction.Reboot:
                log.Console("Rebooting in 10 seconds (rd.emergency=reboot).\n");
                Thread.Sleep(10_000);
                Finish(Libc.RB_AUTOBOOT);
                break;
            case FailureAction.Poweroff:
                log.Console("Powering off (rd.emergency=poweroff).\n");
                Finish(Libc.RB_POWER_OFF);
                break;
        }
        var shell = new[] { "/bin/sh", "/bin/busybox" }.FirstOrDefault(File.Exists);
        if (shell is not null)
        {
            log.Console("Starting the emergency shell. Mount things by hand, then type 'exit' to reboot.\n");
            log.Notice("emergency shell started");
            try
            {
                var psi = new ProcessStartInfo(shell) { UseShellExecute = false };
                if (shell.EndsWith("busybox", StringComparison.Ordinal)) psi.ArgumentList.Add("sh");
                psi.Environment["PS1"] = "liveinit# ";
                using var p = Process.Start(psi);
                p?.WaitForExit();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                log.Error($"the emergency shell could not start: {e.Message}");
            }
        }
        else
        {
            log.Console("No shell in this initramfs. Press Enter to reboot.\n");
            try { Console.In.ReadLine(); } catch (IOException) { Thread.Sleep(Timeout.Infinite); }
        }
        Finish(Libc.RB_AUTOBOOT);
        return 1;
    }

    private static void Finish(uint how)
    {
        Libc.Sync();
        try { Libc.Reboot(how); } catch (NativeException) { }
        Thread.Sleep(Timeout.Infinite);   // PID 1 must not exit
    }
}
