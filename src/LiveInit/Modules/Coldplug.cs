namespace LiveInit.Modules;

/// <summary>Loads drivers for the hardware that is present: every <c>/sys/bus/*/devices/*/modalias</c>
/// matched against modules.alias, repeated while new devices keep appearing behind new drivers.</summary>
public static class Coldplug
{
    /// <summary>Queues every modalias on <paramref name="drivers"/> and waits for the loads, round after round
    /// (a new driver can bring new devices). A round does not wait for a slow driver (one that never finishes
    /// holds a worker, not coldplug), and never longer than the loader's limit and a second. Returns the
    /// modules loaded meanwhile.
    /// <paramref name="afterFirstScan"/> runs once the first scan is queued (the plan's own modules go behind
    /// the drivers of the medium's bus).</summary>
    public static int Run(DriverQueue drivers, string sys = "/sys", CancellationToken stop = default,
        Action? afterFirstScan = null)
    {
        var before = drivers.Loader.LoadedCount;
        var roundMs = (int)drivers.Loader.Limit.TotalMilliseconds + 1000;
        for (var round = 0; round < 6 && !stop.IsCancellationRequested; round++)
        {
            var fresh = 0;
            foreach (var alias in ReadModaliases(sys))
                if (drivers.Enqueue(alias)) fresh++;
            if (round == 0) afterFirstScan?.Invoke();
            var idle = drivers.WaitIdle(roundMs);
            if (fresh == 0 && idle) break;
        }
        return drivers.Loader.LoadedCount - before;
    }

    public static IEnumerable<string> ReadModaliases(string sys)
    {
        var bus = Path.Combine(sys, "bus");
        if (!Directory.Exists(bus)) yield break;
        foreach (var b in Directory.EnumerateDirectories(bus))
        {
            var devices = Path.Combine(b, "devices");
            if (!Directory.Exists(devices)) continue;
            foreach (var d in Directory.EnumerateFileSystemEntries(devices))
            {
                string? alias = null;
                try { alias = File.ReadAllText(Path.Combine(d, "modalias")).Trim(); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
                if (!string.IsNullOrEmpty(alias)) yield return alias;
            }
        }
    }
}
