using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkdir_raw(string path, uint mode);

    /// <summary>mkdir(2); an existing directory is not an error.</summary>
    public static void Mkdir(string path, uint mode = 0x1ED)
    {
        if (mkdir_raw(path, mode) == 0) return;
        var e = Errno.Last;
        if (e == Errno.EEXIST && TryStat(path, out var st) && st.IsDirectory) return;
        throw new NativeException("mkdir", path, e);
    }

    /// <summary>mkdir -p.</summary>
    public static void MkdirAll(string path, uint mode = 0x1ED)
    {
        if (TryStat(path, out var st) && st.IsDirectory) return;
        var parent = Path.GetDirectoryName(path.TrimEnd('/'));
        if (!string.IsNullOrEmpty(parent) && parent != path) MkdirAll(parent, mode);
        Mkdir(path, mode);
    }
}
