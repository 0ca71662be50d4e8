using System.Text;
using LiveInit.Native;

namespace LiveInit.Modules;

/// <summary>
/// <c>liveinit module-helper</c>, the helper process of <see cref="HelperInserter"/>: reads <c>ID PATH</c> lines
/// on standard input, inserts each module on a thread of its own and answers <c>R ID ERRNO</c> on standard
/// output. It ends when standard input closes and its last insert has returned (foreground threads).
/// It runs early in boot, when a first read of /dev/urandom costs a second: no string-keyed collections, no
/// interpolated strings with numbers (they seed the runtime's generators), only concatenation.
/// </summary>
public static class ModuleHelper
{
    private const int MaxLine = 8192;

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
        return 0;
    }

    private static void Request(string line, ModuleFile file, Action<string> send)
    {
        var space = line.IndexOf(' ');
        if (space <= 0 || !int.TryParse(line.AsSpan(0, space), out var id)) return;
        var path = line[(space + 1)..];
        new Thread(() => send("R " + id.ToString() + " " + ThreadInserter.Run(file.Insert, path).ToString()))
        {
            IsBackground = false, Name = "finit_module",
        }.Start();
    }
}
