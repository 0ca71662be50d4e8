using System.ComponentModel;
using System.Diagnostics;
using LiveInit.Native;

namespace LiveInit.Modules;

/// <summary>
/// Inserts modules in a helper process (<c>liveinit module-helper</c>, the agent itself), so that a driver whose
/// init never returns holds a thread of the helper, never one of PID 1: execve(2) waits until every other thread
/// of the calling process has exited, and the switch to the real init must not wait for a stuck driver. The
/// helper outlives the switch until its last insert returns; the new init reaps it.
/// Protocol, one line each: request <c>ID PATH</c>; replies <c>R ID ERRNO</c> (once per request), <c>N TEXT</c>
/// (a notice) and <c>W TEXT</c> (a warning). If the helper goes away, the inserts it had not answered run again in
/// this process (one that did happen answers EEXIST), and so do all later ones.
/// </summary>
public sealed class HelperInserter : IModuleInserter
{
    public const string Command = "module-helper";

    private readonly object _gate = new();
    private readonly Process _process;
    private readonly Dictionary<int, (ModuleRequest Request, Action<int> Done)> _pending = [];
    private readonly ThreadInserter _fallback;
    private readonly Action<string> _notice, _warn;
    private int _next;
    private bool _gone, _closed;

    private HelperInserter(Process process, ModuleFile local, Action<string> notice, Action<string> warn)
    {
        _process = process;
        _fallback = new ThreadInserter(local.Insert);
        (_notice, _warn) = (notice, warn);
        new Thread(ReadReplies) { IsBackground = true, Name = "module-helper replies" }.Start();
    }

    /// <summary>Starts <paramref name="agent"/> as the helper; null (and a warning) when it cannot run.</summary>
    public static HelperInserter? TryStart(string agent, ModuleFile local, Action<string> notice, Action<string> warn)
    {
        var psi = new ProcessStartInfo(agent)
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true,
        };
        psi.ArgumentList.Add(Command);
        try
        {
            var p = Process.Start(psi);
            if (p is not null) return new HelperInserter(p, local, notice, warn);
            warn(NoHelper(agent, "no process"));
        }
        catch (Exception e) when (e is Win32Exception or IOException or InvalidOperationException)
        {
            warn(NoHelper(agent, e.Message));
        }
        return null;
    }

    private static string NoHelper(string agent, string why) =>
        $"the module helper {agent} did not start ({why}); modules load in PID 1, where a driver that never "
        + "finishes would delay the switch to the real init";

    public void Start(ModuleRequest request, Action<int> done)
    {
        lock (_gate)
        {
            if (!_gone && !_closed && !request.Path.Contains('\n'))
            {
                var id = ++_next;
                _pending[id] = (request, done);
                try
                {
                    _process.StandardInput.Write($"{id} {(request.AsyncProbe ? 'A' : 'S')} {request.Path}\n");
                    _process.StandardInput.Flush();
                    return;
                }
                catch (IOException) { _pending.Remove(id); }
            }
        }
        _fallback.Start(request, done);
    }

    private void ReadReplies()
    {
        try
        {
            while (_process.StandardOutput.ReadLine() is { } line)
            {
                if (line.StartsWith("R ", StringComparison.Ordinal)) Answer(line.AsSpan(2));
                else if (Volatile.Read(ref _closed)) continue;   // the log may be gone: the root is switching
                else if (line.StartsWith("N ", StringComparison.Ordinal)) _notice(line[2..]);
                else if (line.StartsWith("W ", StringComparison.Ordinal)) _warn(line[2..]);
            }
        }
        catch (Exception) { }   // a broken pipe or a failing callback: nothing may end a thread of PID 1
        List<(ModuleRequest Request, Action<int> Done)> unanswered;
        bool closed;
        lock (_gate)
        {
            _gone = true;
            closed = _closed;
            unanswered = [.. _pending.Values];
            _pending.Clear();
        }
        try
        {
            if (!closed) _warn("the module helper process ended; modules load in PID 1 from now on");
            foreach (var (request, done) in unanswered) _fallback.Start(request, done);
        }
        catch (Exception) { }
    }

    private void Answer(ReadOnlySpan<char> reply)
    {
        var space = reply.IndexOf(' ');
        if (space <= 0 || !int.TryParse(reply[..space], out var id) || !int.TryParse(reply[(space + 1)..], out var err))
            return;
        Action<int> done;
        lock (_gate)
        {
            if (!_pending.Remove(id, out var p)) return;
            done = p.Done;
        }
        done(err);
    }

    /// <summary>No more inserts through the helper: it ends once its inserts in flight have returned.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            try { _process.StandardInput.Close(); }
            catch (IOException) { }
        }
    }
}
