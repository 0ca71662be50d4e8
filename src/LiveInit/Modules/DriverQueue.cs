namespace LiveInit.Modules;

/// <summary>
/// Driver loads for modaliases (coldplug, and devices that appear while the boot waits), in the background: no
/// thread that waits for a device ever loads a driver itself. One worker loads them in order, as modprobe
/// would; when a load takes longer than <see cref="ModuleLoader.LongWaitMs"/> another worker starts beside it
/// (up to <paramref name="workers"/>), so a module that never finishes holds one worker, for at most the
/// loader's limit, while the others go on. Each alias is loaded once. With <paramref name="bootOnly"/> only the
/// drivers <see cref="BootDriverClass"/> counts as the boot's (storage, buses) are loaded; the others are left to
/// the live system's udev; with <paramref name="network"/> NIC drivers count as the boot's too.
/// Drivers for devices (coldplug, uevents) go before the modules queued by name (<see cref="EnqueueModules"/>: loop,
/// squashfs, overlay, needed only once the medium is there), and those wait until no driver load is in hand but
/// slow ones: the driver of a device that appears behind a bus driver (virtio_blk behind virtio_pci) is the next
/// load, not the last. A driver's insert returns only once the kernel's async probes are done (ata_piix's port
/// resets: a few hundred ms under TCG), long enough for a second worker to go on beside it; two workers from the
/// start were slower under TCG (one vCPU: the ATA chain's inserts took CPU from the virtio chain). A load counts
/// as slow (coldplug's rounds and <see cref="WaitIdle"/> no longer wait for it) after
/// <see cref="ModuleLoader.SlowWaitMs"/>.
/// </summary>
public sealed class DriverQueue(
    ModuleLoader loader, Action<string> trace, int workers = 4, bool bootOnly = false, bool network = false)
{
    private readonly object _gate = new();
    private readonly Queue<string> _queue = new();   // drivers for devices
    private readonly Queue<string> _later = new();   // modules by name, once no driver is waiting
    private readonly HashSet<string> _seen = [];
    private readonly List<Thread> _threads = [];
    private int _busy, _slow;   // workers on a load; of those, on a load slower than SlowWaitMs
    private bool _stopped;
    [ThreadStatic] private static bool t_slow;

    public ModuleLoader Loader => loader;

    /// <summary>Queues the drivers of <paramref name="alias"/>; false when none is in the initramfs, the alias
    /// was queued before, or the queue is stopped. Never waits.</summary>
    public bool Enqueue(string alias)
    {
        var modules = loader.Index.Resolve(alias);
        if (modules.Count == 0) return false;
        List<string>? only = null;
        if (bootOnly && (only = BootDriverClass.Filter(loader.Index, modules, network)).Count == 0)
        {
            lock (_gate) if (!_seen.Add(alias)) return false;
            trace($"modalias {alias}: {string.Join(", ", modules)} left to the live system");
            return false;
        }
        lock (_gate)
        {
            if (_stopped || !_seen.Add(alias)) return false;
            if (only is null) _queue.Enqueue(alias);
            else foreach (var m in only) _queue.Enqueue(m);
            if (_threads.Count == 0) AddWorker();
            Monitor.PulseAll(_gate);
        }
        trace($"modalias {alias}");
        return true;
    }

    /// <summary>Queues modules by name, behind what is queued already and whatever their class (what the plan
    /// needs: loop, squashfs, overlay); false when the queue is stopped. Never waits.</summary>
    public bool EnqueueModules(IEnumerable<string> names)
    {
        lock (_gate)
        {
            if (_stopped) return false;
            foreach (var n in names)
                if (_seen.Add(n)) _later.Enqueue(n);
            if (_threads.Count == 0) AddWorker();
            Monitor.PulseAll(_gate);
        }
        return true;
    }

    /// <summary>Waits until every queued alias has been tried and no load is in hand but slow ones (a slow
    /// driver is not waited for: its devices come later as uevents), at most <paramref name="timeoutMs"/>;
    /// true when idle.</summary>
    public bool WaitIdle(int timeoutMs)
    {
        var end = Environment.TickCount64 + timeoutMs;
        lock (_gate)
        {
            while (!_stopped && (_queue.Count > 0 || _later.Count > 0 || _busy > _slow))
            {
                var left = end - Environment.TickCount64;
                if (left <= 0) return false;
                Monitor.Wait(_gate, (int)left);
            }
            return true;
        }
    }

    /// <summary>No new loads: what is queued is dropped; workers finish the load in hand (bounded by the limit).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            _queue.Clear();
            _later.Clear();
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>On a worker whose load has taken longer than SlowWaitMs: it counts as slow, and another starts.</summary>
    private void Slow()
    {
        lock (_gate)
        {
            if (!t_slow) { t_slow = true; _slow++; Monitor.PulseAll(_gate); }
            AddWorker();
        }
    }

    /// <summary>A worker more (called with the lock held).</summary>
    private void AddWorker()
    {
        lock (_gate)
        {
            if (_stopped || _threads.Count >= workers) return;
            var t = new Thread(Work) { IsBackground = true, Name = $"drivers-{_threads.Count + 1}" };
            _threads.Add(t);
            t.Start();
        }
    }

    private void Work()
    {
        ModuleLoader.OnSlowWait(Slow, () => { lock (_gate) AddWorker(); });
        while (true)
        {
            string alias;
            lock (_gate)
            {
                // the modules by name once no driver is waiting and none is loading (but slow ones)
                while (!_stopped && _queue.Count == 0 && (_later.Count == 0 || _busy > _slow)) Monitor.Wait(_gate);
                if (_stopped) return;
                alias = _queue.Count > 0 ? _queue.Dequeue() : _later.Dequeue();
                _busy++;
            }
            try { loader.Load(alias, quietIfUnknown: true); }
            catch (Exception e)   // nothing may end a thread of PID 1
            {
                try { trace($"modalias {alias}: {e.Message}"); }
                catch (Exception) { }
            }
            finally
            {
                lock (_gate)
                {
                    _busy--;
                    if (t_slow) { t_slow = false; _slow--; }
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }
}
