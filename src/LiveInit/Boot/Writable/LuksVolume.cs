using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Writable;

/// <summary>
/// The bundled cryptsetup (<c>mkinitramfs --overlay-crypt</c>) on the one device the plan names: format a LUKS2
/// volume, open it with a key given on standard input or with a passphrase typed on the console (bounded tries and
/// prompt time), close it. No udev in the initramfs: libdevmapper makes the <c>/dev/mapper</c> node itself
/// (<c>DM_DISABLE_UDEV=1</c>), its locks go to <see cref="OverlayCryptPlan.LockDir"/>. The key is random, so the
/// key-slot KDF is PBKDF2 at its minimum count: a KDF benchmark under an emulator would only waste seconds.
/// </summary>
internal static class LuksVolume
{
    private const int FormatSeconds = 120, OpenSeconds = 60, CloseSeconds = 30;

    private static readonly Dictionary<string, string> Env = new() { ["DM_DISABLE_UDEV"] = "1" };

    /// <summary>luksFormat. The name the command line gives the device stays true at the next boot: LABEL= becomes
    /// the LUKS2 label, UUID= the LUKS UUID (the filesystem that carried them is gone; PARTLABEL= and PARTUUID= are in
    /// the partition table and stay anyway).</summary>
    public static ChildTool.Outcome Format(OverlayCryptPlan p, string device, string key)
    {
        Libc.MkdirAll(OverlayCryptPlan.LockDir);
        var args = new List<string>
        {
            "luksFormat", "--batch-mode", "--type", "luks2", "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000",
            "--key-file", "-",
        };
        if (p.Device.Kind == DeviceSpecKind.Label && System.Text.Encoding.UTF8.GetByteCount(p.Device.Value) < 48)
            args.AddRange(["--label", p.Device.Value]);
        if (p.Device.Kind == DeviceSpecKind.Uuid && Guid.TryParse(p.Device.Value, out var uuid))
            args.AddRange(["--uuid", uuid.ToString("D")]);
        args.Add(device);
        return ChildTool.Run(p.Cryptsetup, args, FormatSeconds, key, environment: Env);
    }

    public static ChildTool.Outcome Open(OverlayCryptPlan p, string device, string key)
    {
        Libc.MkdirAll(OverlayCryptPlan.LockDir);
        return ChildTool.Run(p.Cryptsetup, ["open", "--type", "luks", "--key-file", "-", device, p.MapName],
            OpenSeconds, key, environment: Env);
    }

    /// <summary>cryptsetup asks on the console itself (echo off), <see cref="OverlayCryptPlan.PromptTries"/> tries,
    /// each prompt given up after <see cref="OverlayCryptPlan.PromptSeconds"/>.</summary>
    public static ChildTool.Outcome OpenAsking(OverlayCryptPlan p, string device)
    {
        Libc.MkdirAll(OverlayCryptPlan.LockDir);
        var limit = p.PromptTries * (p.PromptSeconds + 10) + OpenSeconds;
        return ChildTool.Run(p.Cryptsetup,
            ["open", "--type", "luks", "--tries", p.PromptTries.ToString(), "--timeout", p.PromptSeconds.ToString(),
             device, p.MapName], limit, console: true, environment: Env);
    }

    public static ChildTool.Outcome Close(OverlayCryptPlan p) =>
        ChildTool.Run(p.Cryptsetup, ["close", p.MapName], CloseSeconds, environment: Env);

    /// <summary>How long the kernel's random pool is waited for before a passphrase is given up.</summary>
    public const int RandomSeconds = 30;

    /// <summary>dracut-ng's kind of passphrase (128 hex characters, the SHA-512 of fresh entropy): 64 bytes of
    /// getrandom(2) hashed. Null when the kernel's pool is not initialised within <see cref="RandomSeconds"/>:
    /// there is no weaker fallback.</summary>
    public static string? NewPassphrase()
    {
        var seed = new byte[64];
        if (!Libc.TryGetRandom(seed, RandomSeconds)) return null;
        return Sha512.HashHex(new MemoryStream(seed));
    }

    /// <summary>Saves the passphrase where dracut-ng keeps it (mode 0400, no newline), so that the running system
    /// can show it to the person who will type it at the next boot.</summary>
    public static void SavePassphrase(string path, string passphrase)
    {
        Libc.MkdirAll(Path.GetDirectoryName(path)!);
        Libc.TryUnlink(path);   // a file left from before keeps its mode through O_TRUNC: made anew, 0400 from birth
        using var fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW, 0x100);
        Libc.Write(fd, System.Text.Encoding.ASCII.GetBytes(passphrase), path);
        Libc.Fsync(fd, path);
    }

    /// <summary>The opened volume's node: libdevmapper makes it; if it did not, it is made from sysfs (the dm
    /// device whose <c>dm/name</c> is the map name). Null when the volume is not there within the wait.</summary>
    public static string? MapperNode(OverlayCryptPlan p, int seconds = 10)
    {
        var deadline = Environment.TickCount64 + seconds * 1000L;
        while (true)
        {
            if (Libc.TryStat(p.MapperPath, out var st) && (st.Mode & 0xF000) == 0x6000) return p.MapperPath;
            foreach (var dir in Directory.Exists("/sys/block") ? Directory.GetDirectories("/sys/block", "dm-*") : [])
            {
                var name = ReadSmall(Path.Combine(dir, "dm/name"));
                var dev = ReadSmall(Path.Combine(dir, "dev"))?.Split(':');
                if (name != p.MapName || dev is not { Length: 2 }
                    || !uint.TryParse(dev[0], out var major) || !uint.TryParse(dev[1], out var minor)) continue;
                Libc.MkdirAll("/dev/mapper");
                if (Libc.TryLstat(p.MapperPath, out _)) Libc.Unlink(p.MapperPath);
                Libc.MknodBlock(p.MapperPath, major, minor);
                return p.MapperPath;
            }
            if (Environment.TickCount64 >= deadline) return null;
            Thread.Sleep(200);
        }
    }

    private static string? ReadSmall(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path).Trim() : null; }
        catch (IOException) { return null; }
    }
}
