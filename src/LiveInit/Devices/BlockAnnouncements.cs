namespace LiveInit.Devices;

/// <summary>
/// Which block devices may be probed yet. The kernel makes a disk visible in sysfs, reads its partition table,
/// and only then sends the "add" uevents of the disk and its partitions. A device that appears after the first
/// scan is therefore taken once its "add" (or "change") event, or its disk's, has arrived: by then all its
/// partitions are in sysfs, so the whole disk of a hybrid ISO is never taken without its partition (the events
/// of the partitions may still be on their way; the disk's own says the scan is over). Devices of the first
/// scan were announced before anyone listened;
/// a device whose event never comes (a full socket buffer) is taken after <see cref="WaitMs"/> anyway.
/// Pure bookkeeping, no I/O: times are passed in (Environment.TickCount64 ms).
/// </summary>
internal sealed class BlockAnnouncements
{
    public const int WaitMs = 2000;

    private readonly HashSet<string> _announced = [];
    private readonly Dictionary<string, long> _unannounced = [];   // first seen in sysfs, without an event yet
    private bool _scanned;

    /// <summary>A block uevent (DEVNAME without /dev/).</summary>
    public void Event(string action, string name)
    {
        if (action is "add" or "change") _announced.Add(name);
        else if (action == "remove") { _announced.Remove(name); _unannounced.Remove(name); }
    }

    /// <summary>Whether a device seen in sysfs at <paramref name="now"/> may be probed; <paramref name="disk"/> is
    /// the disk of a partition.</summary>
    public bool MayProbe(string name, string? disk, long now)
    {
        if (!_scanned || _announced.Contains(name) || (disk is not null && _announced.Contains(disk)))
        {
            _announced.Add(name);
            return true;
        }
        if (!_unannounced.TryGetValue(name, out var since)) _unannounced[name] = since = now;
        if (now - since < WaitMs) return false;
        _announced.Add(name);
        return true;
    }

    /// <summary>The end of a scan: from now on, new devices wait for their event.</summary>
    public void Scanned() => _scanned = true;
}
