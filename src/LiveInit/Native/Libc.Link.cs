using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link_raw(string existing, string newPath);

    /// <summary>link(2): a second name for an existing file (never follows a link given as
    /// <paramref name="existing"/> on Linux).</summary>
    public static void Link(string existing, string newPath) =>
        Errno.Check(link_raw(existing, newPath), "link", $"{newPath} -> {existing}");
}
