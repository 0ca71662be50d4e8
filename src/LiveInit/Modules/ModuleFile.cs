using LiveInit.Native;

namespace LiveInit.Modules;

/// <summary>
/// One module file into the kernel: finit_module(2), with MODULE_INIT_COMPRESSED_FILE for .ko.xz/.ko.zst/.ko.gz;
/// when the kernel cannot decompress (before 6.4, or without CONFIG_MODULE_DECOMPRESS) a .ko.xz is decompressed
/// here and loaded with init_module(2). Runs in the module helper process at boot (<see cref="ModuleHelper"/>),
/// so its messages are built with string concatenation only: an interpolated string with a number in it seeds
/// the runtime's random generator from /dev/urandom, which early in boot costs a second (see RuntimeSeeds).
/// </summary>
public sealed class ModuleFile(Action<string> notice, Action<string> warn)
{
    /// <summary>The parameters of an insert. A module that drives no device (a filesystem, a library, loop,
    /// device-mapper: <see cref="ModuleIndex.DrivesDevices"/>) gets <c>async_probe</c> (any module, Linux 4.2+,
    /// kernel/module/main.c unknown_module_param_cb) for one effect: its insert does not wait for ALL the kernel's
    /// async work (do_init_module's async_synchronize_full), e.g. ata_piix's port probes (resets, the CD-ROM's
    /// identify: hundreds of ms under TCG) when loop, squashfs or the medium's ext4 is loaded. Drivers keep
    /// synchronous probing: their devices exist when the insert returns and are named in probe order, as without
    /// LiveInit (async probing can swap vda and vdb, and a command line that names /dev/vdb1 must mean the same
    /// disk on every boot).</summary>
    public static string ParametersOf(ModuleRequest request) => request.AsyncProbe ? AsyncProbe : "";

    public const string AsyncProbe = "async_probe=1";

    private int _kernelDecompresses = 1;   // 1 = unknown or yes, 0 = the kernel refused MODULE_INIT_COMPRESSED_FILE

    /// <summary>Inserts the module; 0 or the errno (EEXIST: it was loaded already).</summary>
    public int Insert(ModuleRequest request)
    {
        var path = request.Path;
        var compressed = path.EndsWith(".xz", StringComparison.Ordinal) || path.EndsWith(".zst", StringComparison.Ordinal)
                         || path.EndsWith(".gz", StringComparison.Ordinal);
        if (compressed && Volatile.Read(ref _kernelDecompresses) == 0) return InMemory(request);
        var fd = Libc.TryOpen(path, Libc.O_RDONLY, out var e);
        if (fd is null) return e;
        int err;
        using (fd) err = Libc.FinitModule(fd, ParametersOf(request), compressed ? Libc.MODULE_INIT_COMPRESSED_FILE : 0);
        if (!compressed || err is not (Errno.EINVAL or Errno.ENOSYS or Errno.ENOTSUP)) return err;
        if (Interlocked.Exchange(ref _kernelDecompresses, 0) == 1)
            notice("the kernel cannot load compressed modules itself (" + Errno.Describe(err)
                   + "); decompressing .ko.xz in memory");
        return InMemory(request);
    }

    private int InMemory(ModuleRequest request)
    {
        var path = request.Path;
        if (!path.EndsWith(".xz", StringComparison.Ordinal))
        {
            warn(path + ": only .ko.xz can be decompressed by LiveInit; rebuild the initramfs with uncompressed modules");
            return Errno.ENOTSUP;
        }
        byte[] image;
        try { image = XzDecoder.Decompress(File.ReadAllBytes(path)); }
        catch (InvalidDataException ex)
        {
            warn(path + ": " + ex.Message);
            return Errno.EBADMSG;
        }
        catch (IOException ex)
        {
            warn(path + ": " + ex.Message);
            return Errno.EIO;
        }
        return Libc.InitModule(image, ParametersOf(request));
    }
}
