using System.Runtime.InteropServices;

namespace LiveInit.Tools.Common;

/// <summary>
/// Ctrl-C, SIGTERM or a closed terminal in the middle of a tool: the cleanups registered by what is under way
/// (a temporary output, a staging folder, a device-mapper device, a mount) run newest first, then the tool exits
/// with 130, so an interrupted run leaves nothing half-made. The tools the command runs get the same signal
/// from the terminal and stop by themselves.
/// </summary>
public static class Interruption
{
    private static readonly List<(int Id, Action Cleanup)> Cleanups = [];
    private static readonly object Gate = new();
    private static int _next;
    private static PosixSignalRegistration[]? _registrations;

    /// <summary>Runs <paramref name="cleanup"/> if the process is interrupted before the result is disposed.</summary>
    public static IDisposable OnInterrupt(Action cleanup)
    {
        lock (Gate)
        {
            _registrations ??= [Handle(PosixSignal.SIGINT), Handle(PosixSignal.SIGTERM), Handle(PosixSignal.SIGHUP)];
            var id = ++_next;
            Cleanups.Add((id, cleanup));
            return new Registration(id);
        }
    }

    private static PosixSignalRegistration Handle(PosixSignal signal) => PosixSignalRegistration.Create(signal, context =>
    {
        context.Cancel = true;
        List<(int, Action)> todo;
        lock (Gate) { todo = [.. Cleanups]; Cleanups.Clear(); }
        Console.Error.WriteLine($"\nliveinit: interrupted ({context.Signal switch
        {
            PosixSignal.SIGINT => "SIGINT", PosixSignal.SIGTERM => "SIGTERM", PosixSignal.SIGHUP => "SIGHUP",
            _ => "a signal",
        }}); removing what was half-made");
        for (var i = todo.Count - 1; i >= 0; i--)
        {
            try { todo[i].Item2(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"liveinit: cleanup: {e.Message}");
            }
        }
        Environment.Exit(130);
    });

    private sealed class Registration(int id) : IDisposable
    {
        public void Dispose()
        {
            lock (Gate) Cleanups.RemoveAll(c => c.Id == id);
        }
    }
}
