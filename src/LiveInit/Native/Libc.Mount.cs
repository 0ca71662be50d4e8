using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    public const ulong MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
        MS_REMOUNT = 32, MS_NOATIME = 1024, MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384, MS_SILENT = 32768,
        MS_PRIVATE = 1 << 18, MS_SHARED = 1 << 20, MS_RELATIME = 1 << 21;
    public const int MNT_FORCE = 1, MNT_DETACH = 2;

    [LibraryImport(Name, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount_raw(string? source, string target, string? fstype, ulong flags, string? data);

    [LibraryImport(Name, EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2_raw(string target, int flags);

    public static void Mount(string? source, string target, string? fstype, ulong flags, string? data)
    {
        if (mount_raw(source, target, fstype, flags, data) == 0) return;
        var what = $"{source ?? "none"} on {target}" + (fstype is null ? "" : $" ({fstype})")
                   + (string.IsNullOrEmpty(data) ? "" : $" -o {data}");
        throw new NativeException("mount", what, Errno.Last);
    }

    public static int TryMount(string? source, string target, string? fstype, ulong flags, string? data) =>
        mount_raw(source, target, fstype, flags, data) == 0 ? 0 : Errno.Last;

    public static void Umount(string target, int flags = 0) =>
        Errno.Check(umount2_raw(target, flags), "umount", target);

    public static int TryUmount(string target, int flags = 0) => umount2_raw(target, flags) == 0 ? 0 : Errno.Last;
}
