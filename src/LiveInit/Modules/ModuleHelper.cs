using System.Text;
using LiveInit.Native;

namespace LiveInit.Modules;

/// <summary>
/// <c>liveinit module-helper</c>, the helper process of <see cref="HelperInserter"/>: reads <c>ID PATH</c> lines
/// on standard input, inserts each module on a worker thread and answers <c>R ID ERRNO</c> on standard output.
/// A worker that is free takes the next request; a new one starts only when all are busy (one may be stuck in a
/// driver's init for good). It ends when standard input closes and its last insert has returned.
/// It runs early in boot, when a first read of /dev/urandom costs a second: no string-keyed collections, no
/// interpolated strings with numbers (they seed the runtime's generators), only concatenation.
/// </summary>
public static class ModuleHelper
{
    private const int MaxLine = 8192;

    private static readonly object Gate = new();
    private static readonly Queue<(int Id, ModuleRequest Request)> Requests = new();
    // one release per request; a WaitHandle, not Monitor.Wait, whose condition table hashes objects (a seed)
    private static readonly Semaphore Pending = new(0, int.MaxValue);
    private static int _idle, _workers;

    public static int Serve()
    {
        var stdin = new SafeFd(0);
        var stdout = new SafeFd(1);
        var writeGate = new object();
        void Send(string line)
        {
            var bytes = Encoding.UTF8.GetBytes(line.Replace('\n', ' ') + "\n");
            lock (writeGate) Libc.TryWrite(stdout, bytes);
        }
        var file = new ModuleFile(t => Send("N " + t), t => Send("W " + t));
        var buffer = new byte[MaxLine];
        var used = 0;
        while (true)
        {
            int n;
            try { n = Libc.Read(stdin, buffer.AsSpan(used), "standard input"); }
            catch (NativeException) { break; }
            if (n == 0) break;
            used += n;
            int nl;
            while ((nl = Array.IndexOf(buffer, (byte)'\n', 0, used)) >= 0)
            {
                Request(Encoding.UTF8.GetString(buffer, 0, nl), file, Send);
                used -= nl + 1;
                Array.Copy(buffer, nl + 1, buffer, 0, used);
            }
            if (used == buffer.Length) used = 0;   // a line longer than any module path: dropped
        }
        int workers;
        lock (Gate) workers = _workers;
        if (workers > 0) Pending.Release(workers);   // each finds the queue empty and ends; the process then ends
        return 0;
    }

    private static void Request(string line, ModuleFile file, Action<string> send)
    {
        // ID A|S PATH: A = with async_probe, S = without
        var space = line.IndexOf(' ');
        if (space <= 0 || !int.TryParse(line.AsSpan(0, space), out var id)) return;
        if (line.Length < space + 4 || line[space + 1] is not ('A' or 'S') || line[space + 2] != ' ') return;
        var request = new ModuleRequest(line[(space + 3)..], line[space + 1] == 'A');
        bool spawn;
        lock (Gate)
        {
            Requests.Enqueue((id, request));
            spawn = Volatile.Read(ref _idle) == 0;   // all busy (one may be stuck for good): one more
            if (spawn) _workers++;
        }
        Pending.Release();
        if (spawn) new Thread(() => Work(file, send)) { IsBackground = false, Name = "finit_module" }.Start();
    }

    private static void Work(ModuleFile file, Action<string> send)
    {
        while (true)
        {
            Interlocked.Increment(ref _idle);
            Pending.WaitOne();
            Interlocked.Decrement(ref _idle);
            (int Id, ModuleRequest Request) r;
            lock (Gate)
            {
                if (!Requests.TryDequeue(out r)) return;   // a release of the end: standard input closed
            }
            send("R " + r.Id.ToString() + " " + ThreadInserter.Run(file.Insert, r.Request).ToString());
        }
    }
}
