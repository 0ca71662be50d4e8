namespace LiveInit.Plan;

/// <summary>dracut-ng's encrypted overlay
/// (<c>rd.overlay.crypt=&lt;DEVICE&gt;[,mapname=][,fstype=][,mkfs=][,timeout=]</c>, its module 71overlayfs-crypt):
/// the changes of an overlay root go to <see cref="Device"/>, a LUKS volume opened as
/// <c>/dev/mapper/&lt;MapName&gt;</c> and mounted at <see cref="BackingMount"/> (upper <c>overlay/</c>, work
/// <c>ovlwork/</c>). A device that is already LUKS is opened with a passphrase typed on the console (at most
/// <see cref="PromptTries"/> tries of <see cref="PromptSeconds"/> s each). A device that is not LUKS is formatted
/// only when <see cref="Format"/> (mkfs=1, the default): a random passphrase saved in <see cref="PasswordFile"/>
/// (mode 0400), LUKS made by the bundled <see cref="Cryptsetup"/> (<c>mkinitramfs --overlay-crypt</c>), then
/// <see cref="Filesystem"/> made by <see cref="Mkfs"/>. Anything else: a warning and RAM, the device untouched.
/// <see cref="WaitSeconds"/>: how long the device is waited for (timeout=, else rd.retry).</summary>
public sealed record OverlayCryptPlan(
    DeviceSpec Device, string MapName, string Filesystem, bool Format, int WaitSeconds,
    int PromptSeconds = OverlayCryptPlan.DefaultPromptSeconds, int PromptTries = OverlayCryptPlan.DefaultPromptTries,
    string Cryptsetup = OverlayCryptPlan.DefaultCryptsetup, string Mkfs = AutoOverlayPlan.DefaultMkfs,
    string BackingMount = OverlayCryptPlan.DefaultBackingMount,
    string PasswordFile = OverlayCryptPlan.DefaultPasswordFile)
{
    public const string DefaultMapName = "overlay-crypt", DefaultCryptsetup = "/sbin/cryptsetup",
        DefaultBackingMount = "/run/overlayfs-backing", DefaultPasswordFile = "/run/initramfs/overlayfs.passwd",
        LockDir = "/run/cryptsetup", UpperDir = "overlay", WorkDir = "ovlwork";
    public const int DefaultPromptSeconds = 60, DefaultPromptTries = 3;

    /// <summary>The kernel modules a LUKS2 volume with cryptsetup's default cipher (aes-xts-plain64) needs: device
    /// mapper and dm-crypt, XTS over the generic AES (a TCG or old CPU has no AES-NI), ECB (the generic XTS builds on
    /// it), and the kernel crypto API's user interface through which cryptsetup reads the key slots. Those built into a
    /// kernel (Debian: aes, cbc, sha256; ecb on 6.12) need no file.</summary>
    public static readonly string[] Modules =
    [
        "dm_mod", "dm_crypt", "aes_generic", "aesni_intel", "xts", "ecb", "cbc", "af_alg", "algif_skcipher",
        "algif_hash", "sha256_generic", "sha256_ssse3",
    ];

    /// <summary>The <see cref="Modules"/> to load on a CPU with these /proc/cpuinfo <paramref name="flags"/>: the
    /// AES-NI and SSSE3 drivers only where the CPU has them (elsewhere their init fails with ENODEV and the generic
    /// ciphers do the work).</summary>
    public static IEnumerable<string> ModulesFor(string flags)
    {
        var have = flags.Split(' ', '\t').ToHashSet(StringComparer.Ordinal);
        return Modules.Where(m => m switch
        {
            "aesni_intel" => have.Contains("aes"),
            "sha256_ssse3" => have.Contains("ssse3"),
            _ => true,
        });
    }

    /// <summary>The path of the opened volume.</summary>
    public string MapperPath => $"/dev/mapper/{MapName}";
}
