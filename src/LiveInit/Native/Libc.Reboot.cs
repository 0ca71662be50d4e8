using System.Runtime.InteropServices;

namespace LiveInit.Native;

internal static partial class Libc
{
    public const uint RB_AUTOBOOT = 0x01234567, RB_POWER_OFF = 0x4321fedc, RB_HALT_SYSTEM = 0xcdef0123;

    [LibraryImport(Name, EntryPoint = "reboot", SetLastError = true)]
    private static partial int reboot_raw(uint how);

    public static void Reboot(uint how) => Errno.Check(reboot_raw(how), "reboot");
}
