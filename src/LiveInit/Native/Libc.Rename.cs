using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename_raw(string from, string to);

    public static void Rename(string from, string to) => Errno.Check(rename_raw(from, to), "rename", $"{from} -> {to}");
}
