namespace LiveInit.Boot;

/// <summary>
/// The .NET runtime seeds its hash and Random generators from /dev/urandom the first time they are used
/// (string hashing, HashCode, object hash codes behind ArrayPool and string interpolation). Early in boot
/// the kernel's CRNG is not ready, and a read of /dev/urandom then makes Linux 6.1 generate jitter entropy
/// first: about one second under QEMU/TCG. LiveInit needs no cryptographic randomness, so as PID 1 it
/// creates every seed at once, before devtmpfs is mounted: the initramfs has no /dev/urandom, and the runtime
/// falls back to a time-seeded generator.
/// </summary>
public static class RuntimeSeeds
{
    public static void InitialiseBeforeDev()
    {
        if (File.Exists("/dev/urandom")) return;   // /dev is already populated: nothing to gain
        _ = "liveinit".GetHashCode();               // Marvin seed (string hashing)
        _ = HashCode.Combine(1);                    // HashCode seed (records, tuples)
        _ = new object().GetHashCode();             // this thread's Random (object header hash codes)
        _ = Random.Shared.Next();
    }
}
