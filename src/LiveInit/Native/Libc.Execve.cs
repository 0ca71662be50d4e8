using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int execve_raw(string path, string?[] argv, string?[] envp);

    /// <summary>execve(2); returns only on failure, with the errno.</summary>
    public static int Execve(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp)
    {
        var a = new string?[argv.Count + 1];
        for (var i = 0; i < argv.Count; i++) a[i] = argv[i];
        var e = new string?[envp.Count + 1];
        for (var i = 0; i < envp.Count; i++) e[i] = envp[i];
        execve_raw(path, a, e);
        return Errno.Last;
    }
}
