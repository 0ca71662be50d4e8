using LiveInit.Boot.Remaster;
using LiveInit.Media;
using LiveInit.Plan;

namespace LiveInit.Cli;

/// <summary>
/// <c>liveinit remaster-step</c>: a test and repair aid, never used at boot. Runs the remaster step of the boot
/// (the same engine: finish a journal, recover, plan, journaled renames) on an antiX medium mounted or
/// unpacked on another machine. <c>--stop-after N</c> stops after step N (0: the journal is written; k: the
/// k-th rename is done), leaving exactly what a power cut there leaves; the boot tests build their crash
/// states with it. Without it, it finishes an interrupted remaster or rollback by hand.
/// </summary>
public static class RemasterStepCommand
{
    public static int Run(string[] args)
    {
        var o = Options.Parse(args, ["medium", "bdir", "sqname", "stop-after"], ["rollback", "noremaster", "persist-root"]);
        var medium = o.Get("medium") ?? throw new UsageException("--medium DIR is required (the top of the mounted medium)");
        var bdir = o.Get("bdir") ?? "antiX";
        var image = o.Get("sqname") ?? "linuxfs";
        if (!RemasterJournal.IsPlainName(image)) throw new UsageException($"--sqname '{image}' must be a plain file name");
        int? stop = null;
        if (o.Get("stop-after") is { } s)
            stop = int.TryParse(s, out var n) && n >= 0 ? n
                : throw new UsageException($"--stop-after must be a step number >= 0, not '{s}'");
        var action = o.Has("rollback") ? RemasterAction.Rollback
            : o.Has("noremaster") ? RemasterAction.Disabled : RemasterAction.ApplyPending;
        using var root = MediumRoot.Open(medium);
        var folder = new RemasterFolder(root, bdir);
        if (!folder.IsThere) throw new UsageException($"{root.Where(bdir)} is not a folder on {medium}");
        var log = new ConsoleLog();
        var engine = new RemasterEngine(folder, log, () => true, stop is null ? null : step =>
        {
            if (step != stop) return false;
            Console.Out.WriteLine($"stopped after step {step}, as a power cut there would");
            return true;
        });
        var outcome = engine.Run(new RemasterRequest(action, image, o.Has("persist-root")));
        Console.Out.WriteLine($"result: {RemasterResults.Name(outcome.Result)}{(outcome.BootInstead is null ? "" : $" (boot {outcome.BootInstead})")}");
        return outcome.Result is RemasterResult.Refused or RemasterResult.Stuck ? 1 : 0;
    }

    private sealed class ConsoleLog : IRemasterLog
    {
        public void Info(string message) => Console.Out.WriteLine(message);
        public void Notice(string message) => Console.Out.WriteLine(message);
        public void Warn(string message) => Console.Out.WriteLine("warning: " + message);
        public void Error(string message) => Console.Out.WriteLine("error: " + message);
    }
}
