namespace LiveInit.Modules;

/// <summary>
/// Where finit_module(2) runs. The call cannot be interrupted: a driver whose init never returns keeps its
/// thread in the kernel for good. So <see cref="ModuleLoader"/> never makes the call on a thread that waits for
/// anything else; it starts the insert here and waits for <c>done</c> with a deadline.
/// </summary>
public interface IModuleInserter : IDisposable
{
    /// <summary>Starts inserting the module file <paramref name="request"/> names; <paramref name="done"/> is called
    /// once, on another thread, with 0 or the errno (EEXIST: it was loaded already).</summary>
    void Start(ModuleRequest request, Action<int> done);
}

/// <summary>One insert: the module file, and whether it gets <c>async_probe</c>
/// (<see cref="ModuleFile.ParametersOf"/>).</summary>
public readonly record struct ModuleRequest(string Path, bool AsyncProbe);

/// <summary>Each insert on a thread of its own in this process: for tests, and the fallback when the helper
/// process cannot run. A thread stuck in finit_module would make the final execve of PID 1 wait for it (the
/// kernel's de_thread waits until every other thread has exited), which is why the boot prefers
/// <see cref="HelperInserter"/>.</summary>
public sealed class ThreadInserter(Func<ModuleRequest, int> insert) : IModuleInserter
{
    public void Start(ModuleRequest request, Action<int> done) => new Thread(() =>
    {
        var err = Run(insert, request);
        try { done(err); }
        catch (Exception) { }   // nothing may end a thread of PID 1
    }) { IsBackground = true, Name = "finit_module" }.Start();

    /// <summary>The insert, with any exception turned into EIO: nothing may escape a thread of PID 1.</summary>
    internal static int Run(Func<ModuleRequest, int> insert, ModuleRequest request)
    {
        try { return insert(request); }
        catch (Exception) { return Native.Errno.EIO; }
    }

    public void Dispose() { }
}
