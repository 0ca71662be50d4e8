using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "fork", SetLastError = true)]
    public static partial int Fork();

    [LibraryImport(Name, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, out int status, int options);

    [LibraryImport(Name, EntryPoint = "_exit")]
    public static partial void Exit(int status);

    [LibraryImport(Name, EntryPoint = "setsid", SetLastError = true)]
    public static partial int Setsid();
}
