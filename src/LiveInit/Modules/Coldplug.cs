namespace LiveInit.Modules;

/// <summary>Loads drivers for the hardware that is present: every <c>/sys/bus/*/devices/*/modalias</c>
/// matched against modules.alias, repeated while new devices keep appearing behind new drivers.</summary>
public static class Coldplug
{
    public static int Run(ModuleLoader loader, Action<string> trace, string sys = "/sys", CancellationToken stop = default)
    {
        var seen = new HashSet<string>();
        var before = loader.LoadedCount;
        for (var round = 0; round < 6; round++)
        {
            var fresh = ReadModaliases(sys).Where(seen.Add).ToList();
            if (fresh.Count == 0) break;
            foreach (var alias in fresh)
            {
                if (stop.IsCancellationRequested) return loader.LoadedCount - before;
                if (loader.Index.Resolve(alias).Count == 0) continue;
                trace($"modalias {alias}");
                loader.Load(alias, quietIfUnknown: true);
            }
        }
        return loader.LoadedCount - before;
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
