using LiveInit.Native;

namespace LiveInit.Modules;

/// <summary>
/// Loads modules without modprobe: softdep "pre" modules, then dependencies (deepest first), then the
/// module itself, then softdep "post". Built-in and already-loaded modules are not errors.
/// No wait here is unbounded. finit_module(2) cannot be interrupted, so it runs in an
/// <see cref="IModuleInserter"/> and callers only wait for its end: at most <see cref="Limit"/> after the insert
/// started, and never past a deadline the calling thread set with <see cref="WaitsEndBy"/>. A module that has
/// not finished by its limit is named once on the console and the boot goes on without it; if it finishes
/// later it counts as loaded. Thread-safe: coldplug runs on background threads while the boot looks for its
/// medium; a module being loaded by one thread is waited for (with the same bound) by any other that needs it.
/// </summary>
public sealed class ModuleLoader : IDisposable
{
    /// <summary>How long one module may take before the boot goes on without it: 15 s. Real drivers take
    /// milliseconds, the slowest storage controllers a few seconds; a driver that takes longer still finishes in
    /// the background (its devices then appear as uevents), nothing waits for it any more.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(15);

    /// <summary>A finit_module in flight: started at <see cref="Started"/> (Environment.TickCount64 ms).</summary>
    private sealed class Insertion(long started)
    {
        public long Started { get; } = started;
        public ManualResetEventSlim Finished { get; } = new(false);
        public bool Named { get; set; }
    }

    /// <summary>A wait on one module longer than this is slow: the thread's <see cref="OnSlowWait"/> action runs.</summary>
    public const int SlowWaitMs = 1000;

    /// <summary>A wait on one module longer than this is long: the thread's long-wait action runs (a driver worker:
    /// another starts beside it, before the load counts as slow). Most inserts take 10-60 ms under TCG; a driver
    /// whose probe schedules async work (libata's port probes) a few hundred, its insert waiting for that work.</summary>
    public const int LongWaitMs = 250;

    [ThreadStatic] private static long t_waitsEndBy;
    [ThreadStatic] private static Action? t_onSlowWait, t_onLongWait;

    private readonly object _gate = new();
    private readonly HashSet<string> _done = [];
    private readonly HashSet<string> _failed = [];
    // a thread loading the module and its dependencies: its gate, and which thread (a softdep cycle comes back to it)
    private readonly Dictionary<string, (ManualResetEventSlim Gate, int Thread)> _chains = [];
    private readonly Dictionary<string, Insertion> _inserts = [];
    private readonly ModuleIndex _index;
    private readonly Action<string> _info, _warn, _notice;
    private readonly IModuleInserter _inserter;
    private bool _closed;
    private int _loaded, _silent;

    /// <param name="inserter">where finit_module runs; by default a thread per insert in this process.</param>
    /// <param name="limit">how long one module may take; <see cref="DefaultLimit"/> by default.</param>
    public ModuleLoader(ModuleIndex index, Action<string> info, Action<string> warn, Action<string>? notice = null,
        IModuleInserter? inserter = null, TimeSpan? limit = null)
    {
        (_info, _warn, _notice) = (Guarded(info), Guarded(warn), Guarded(notice ?? info));
        _index = index;
        _inserter = inserter ?? new ThreadInserter(new ModuleFile(_notice, _warn).Insert);
        Limit = limit ?? DefaultLimit;
    }

    public ModuleIndex Index => _index;
    public TimeSpan Limit { get; }
    public IReadOnlyCollection<string> Failed { get { lock (_gate) return _failed.ToList(); } }
    public int LoadedCount => Volatile.Read(ref _loaded);

    /// <summary>Modules whose finit_module has not returned yet, with the seconds since it started.</summary>
    public IReadOnlyList<(string Name, long Seconds)> InFlight()
    {
        var now = Environment.TickCount64;
        lock (_gate) return _inserts.Select(kv => (kv.Key, (now - kv.Value.Started) / 1000)).ToList();
    }

    /// <summary>Until the scope ends, no wait of the calling thread on a module goes past
    /// <paramref name="deadline"/> (Environment.TickCount64 ms), e.g. the end of <c>rootdelay=</c>.</summary>
    public static WaitScope WaitsEndBy(long deadline)
    {
        var previous = t_waitsEndBy;
        t_waitsEndBy = previous == 0 ? deadline : Math.Min(previous, deadline);
        return new WaitScope(previous);
    }

    public readonly struct WaitScope(long previous) : IDisposable
    {
        public void Dispose() => t_waitsEndBy = previous;
    }

    /// <summary>For the calling thread (a driver worker): a wait on one module that lasts longer than
    /// <see cref="SlowWaitMs"/> runs <paramref name="slow"/> once, then goes on waiting.</summary>
    public static void OnSlowWait(Action? slow, Action? longWait = null) =>
        (t_onSlowWait, t_onLongWait) = (slow, longWait);

    /// <summary>Messages may come from any thread, late: none after <see cref="Dispose"/> (the log is closed
    /// before the switch to the real init), and a failing log never ends the thread.</summary>
    private Action<string> Guarded(Action<string> log) => msg =>
    {
        if (Volatile.Read(ref _silent) != 0) return;
        try { log(msg); }
        catch (Exception) { }   // nothing may end a thread of PID 1
    };

    private static bool Wait(ManualResetEventSlim e, int ms)
    {
        var waited = 0;
        if (t_onLongWait is { } longWait && ms > LongWaitMs)
        {
            if (e.Wait(LongWaitMs)) return true;
            longWait();
            waited = LongWaitMs;
        }
        if (t_onSlowWait is { } slow && ms > SlowWaitMs)
        {
            if (e.Wait(SlowWaitMs - waited)) return true;
            slow();
            waited = SlowWaitMs;
        }
        return e.Wait(ms - waited);
    }

    /// <summary>Loads every module a name or alias resolves to; true when at least one is present now.</summary>
    public bool Load(string nameOrAlias, bool quietIfUnknown = false)
    {
        var mods = _index.Resolve(nameOrAlias);
        if (mods.Count == 0)
        {
            if (!quietIfUnknown && !IsLoaded(ModuleName.Normalize(nameOrAlias)))
                _warn($"module {nameOrAlias} is not in the initramfs (nor built in); "
                      + $"add it with mkinitramfs --module {nameOrAlias}");
            return IsLoaded(ModuleName.Normalize(nameOrAlias));
        }
        var any = false;
        foreach (var m in mods) any |= LoadOne(m, 0);
        return any;
    }

    public static bool IsLoaded(string name) => Directory.Exists("/sys/module/" + name);

    /// <summary>No new loads (the root is ready; the live system's udev loads the rest). Loads in flight go on.</summary>
    public void Close()
    {
        lock (_gate) _closed = true;
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for the inserts in flight, except those already named
    /// as not finished in time; true when none of the others is left.</summary>
    public bool WaitInFlight(int timeoutMs)
    {
        var end = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            Insertion? any;
            lock (_gate) any = _inserts.Values.FirstOrDefault(i => !i.Named);
            if (any is null) return true;
            var left = end - Environment.TickCount64;
            if (left <= 0 || !any.Finished.Wait((int)left)) return false;
        }
    }

    /// <summary>Names every insert still in flight that was not named yet (before the switch to the real init).</summary>
    public void NameInFlight()
    {
        var now = Environment.TickCount64;
        List<(string Name, long Ms)> names;
        lock (_gate)
        {
            names = _inserts.Where(kv => !kv.Value.Named).Select(kv => (kv.Key, now - kv.Value.Started)).ToList();
            foreach (var kv in _inserts) kv.Value.Named = true;
        }
        foreach (var (name, ms) in names) _warn(NotFinished(name, ms));
    }

    private static string NotFinished(string name, long ms) =>
        $"module {name} has not finished loading after {(ms + 500) / 1000} s; continuing without it";

    private bool LoadOne(string name, int depth)
    {
        Insertion? running;
        ManualResetEventSlim? other = null, mine = null;
        var me = Environment.CurrentManagedThreadId;
        lock (_gate)
        {
            if (_done.Contains(name)) return true;
            if (_closed || _failed.Contains(name) || depth > 32) return false;
            if (_inserts.TryGetValue(name, out running)) { }
            else if (_chains.TryGetValue(name, out var chain))
            {
                if (chain.Thread == me) return false;   // a softdep cycle: this thread is loading it already
                other = chain.Gate;
            }
            else _chains[name] = (mine = new ManualResetEventSlim(false), me);   // this thread loads it
        }
        if (running is not null) return AwaitInsert(name, running);
        if (other is not null)
        {
            // another thread is loading it (or its dependencies): wait as long as one module may take
            Wait(other, WaitMs(Environment.TickCount64 + (long)Limit.TotalMilliseconds));
            lock (_gate) return _done.Contains(name);
        }
        try { return Insert(name, depth); }
        finally
        {
            lock (_gate) _chains.Remove(name);
            mine!.Set();
        }
    }

    private bool Insert(string name, int depth)
    {
        if (_index.Builtin.Contains(name) || IsLoaded(name)) return MarkDone(name);
        _index.SoftDeps.TryGetValue(name, out var sd);
        if (sd.Pre is not null)
            foreach (var pre in sd.Pre) Load(pre, quietIfUnknown: true);
        if (_index.DepsByName.TryGetValue(name, out var deps))
            foreach (var dep in deps) LoadOne(dep, depth + 1);
        if (!_index.PathByName.TryGetValue(name, out var rel)) return MarkFailed(name);
        var path = Path.Combine(_index.Root, rel);
        var insertion = new Insertion(Environment.TickCount64);
        lock (_gate)
        {
            if (_closed) return false;
            _inserts[name] = insertion;
        }
        var request = new ModuleRequest(path, AsyncProbe: !_index.DrivesDevices(name));
        try { _inserter.Start(request, err => Finished(name, path, insertion, err)); }
        catch (Exception e) when (e is OutOfMemoryException or ThreadStartException or IOException)
        {
            Finished(name, path, insertion, Errno.ENOMEM);
        }
        if (!AwaitInsert(name, insertion)) return false;
        if (sd.Post is not null)
            foreach (var post in sd.Post) Load(post, quietIfUnknown: true);
        return true;
    }

    /// <summary>Waits for an insert until its limit or the thread's deadline; names it when the limit passed.</summary>
    private bool AwaitInsert(string name, Insertion insertion)
    {
        var limitEnd = insertion.Started + (long)Limit.TotalMilliseconds;
        if (!Wait(insertion.Finished, WaitMs(limitEnd)))
        {
            var now = Environment.TickCount64;
            bool name1st;
            lock (_gate)
            {
                name1st = !insertion.Finished.IsSet && now >= limitEnd && !insertion.Named;
                if (name1st) insertion.Named = true;
            }
            if (name1st) _warn(NotFinished(name, now - insertion.Started));
        }
        lock (_gate) return _done.Contains(name);
    }

    /// <summary>Milliseconds from now to <paramref name="end"/>, or to this thread's deadline if that is earlier.</summary>
    private static int WaitMs(long end)
    {
        if (t_waitsEndBy != 0) end = Math.Min(end, t_waitsEndBy);
        return (int)Math.Clamp(end - Environment.TickCount64, 0, int.MaxValue);
    }

    /// <summary>The end of an insert (on the inserter's thread): recorded, logged, and every waiter woken.</summary>
    private void Finished(string name, string path, Insertion insertion, int err)
    {
        var ok = err is 0 or Errno.EEXIST;
        bool late;
        lock (_gate)
        {
            _inserts.Remove(name);
            (ok ? _done : _failed).Add(name);
            late = insertion.Named;
        }
        if (err == 0) Interlocked.Increment(ref _loaded);
        var secs = (Environment.TickCount64 - insertion.Started + 500) / 1000;
        if (!ok) _warn($"loading module {name} ({path}) failed{(late ? $" after {secs} s" : "")}: "
                       + Errno.Describe(err));
        else if (late) _notice($"module {name} finished loading after {secs} s");
        else if (err == 0) _info($"loaded module {name}");
        insertion.Finished.Set();
    }

    private bool MarkDone(string name)
    {
        lock (_gate) _done.Add(name);
        return true;
    }

    private bool MarkFailed(string name)
    {
        lock (_gate) _failed.Add(name);
        return false;
    }

    /// <summary>No more loads and no more messages; closes the inserter (the helper process ends once its
    /// inserts in flight have returned).</summary>
    public void Dispose()
    {
        Close();
        Volatile.Write(ref _silent, 1);
        _inserter.Dispose();
    }
}
