using LiveInit.Modules;

namespace LiveInit.Devices;

/// <summary>
/// The block devices seen so far, each probed once. <see cref="WaitFor"/> re-scans sysfs after every batch
/// of kernel uevents (the socket was opened before the first scan, so nothing is missed), hands the MODALIAS of
/// devices that appear late to <paramref name="queueDriver"/> (which must not wait: drivers load on other
/// threads, so the wait ends on time whatever a driver does), and re-probes a device whose media changed.
/// </summary>
public sealed class DeviceRegistry(UeventListener? uevents, Action<string>? queueDriver, Action<string> trace,
    string sys = "/sys")
{
    private readonly Dictionary<string, ProbedDevice> _known = [];
    private readonly BlockAnnouncements _announcements = new();

    public IReadOnlyCollection<ProbedDevice> All => _known.Values;

    /// <summary>Takes the uevents queued so far, scans sysfs, and probes devices not seen before (or whose size
    /// changed) once the kernel has announced them (<see cref="BlockAnnouncements"/>). Returns those.</summary>
    public List<ProbedDevice> Rescan()
    {
        if (uevents is not null) Handle(uevents.Wait(0));
        var fresh = new List<ProbedDevice>();
        var now = Environment.TickCount64;
        foreach (var dev in SysfsBlock.Enumerate(sys))
        {
            if (dev.IsRam || (dev.IsLoop && dev.SizeBytes == 0)) continue;
            if (_known.TryGetValue(dev.Name, out var old) && old.Device.SizeBytes == dev.SizeBytes) continue;
            if (uevents is not null && !_announcements.MayProbe(dev.Name, dev.IsPartition ? dev.Parent : null, now))
                continue;
            SysfsBlock.EnsureNode(dev);
            var p = ProbedDevice.Of(dev);
            _known[dev.Name] = p;
            fresh.Add(p);
            trace($"found {p.Summary()}");
        }
        _announcements.Scanned();
        return fresh;
    }

    public void Forget(string name) => _known.Remove(name);

    /// <summary>Calls <paramref name="check"/> after each scan until it returns a value or time runs out.</summary>
    public T? WaitFor<T>(Func<IReadOnlyCollection<ProbedDevice>, List<ProbedDevice>, T?> check, int seconds, string what,
        Action<string> announce) where T : class
    {
        var deadline = Environment.TickCount64 + seconds * 1000L;
        using var cap = ModuleLoader.WaitsEndBy(deadline);   // a filesystem module loaded by a check ends on time too
        var announced = false;
        while (true)
        {
            var fresh = Rescan();
            var found = check(All, fresh);
            if (found is not null) return found;
            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0) return null;
            if (!announced) { announce($"waiting up to {seconds} s for {what}"); announced = true; }
            var slice = (int)Math.Min(remaining, 250);
            if (uevents is null) { Thread.Sleep(slice); continue; }
            Handle(uevents.Wait(slice));
        }
    }

    /// <summary>Queues drivers for devices that just appeared; notes block devices the kernel announced;
    /// re-probes devices whose media changed.</summary>
    internal void Handle(List<Uevent> events)
    {
        foreach (var e in events)
        {
            if (e.Action == "add" && e.Modalias is { } alias) queueDriver?.Invoke(alias);
            if (e.Subsystem != "block" || e.DevName is not { } name) continue;
            _announcements.Event(e.Action, name);
            if (e.Action is "change" or "remove") Forget(name);
        }
    }

    /// <summary>Waits until no kernel event has arrived for <paramref name="quietMs"/> (at most
    /// <paramref name="maxMs"/>), so that a search sees the devices that are still appearing (usb-storage waits
    /// one second before it scans a new stick), then scans sysfs.</summary>
    public void Settle(int quietMs, int maxMs)
    {
        if (uevents is null) Thread.Sleep(Math.Min(quietMs, maxMs));
        else
        {
            var deadline = Environment.TickCount64 + maxMs;
            var quietSince = Environment.TickCount64;
            while (Environment.TickCount64 < deadline && Environment.TickCount64 - quietSince < quietMs)
            {
                var events = uevents.Wait(100);
                if (events.Count == 0) continue;
                quietSince = Environment.TickCount64;
                Handle(events);
            }
        }
        Rescan();
    }

    /// <summary>Every device seen, one line each (TYPE, LABEL, size), for error reports.</summary>
    public string Report()
    {
        if (_known.Count == 0) return "  (no block devices at all: is the storage driver in the initramfs?)\n";
        var s = new System.Text.StringBuilder();
        foreach (var d in _known.Values.OrderBy(d => d.Device.Name, StringComparer.Ordinal)) s.Append("  ").AppendLine(d.Summary());
        return s.ToString();
    }
}
