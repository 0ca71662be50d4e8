namespace LiveInit.Modules;

/// <summary>
/// Whether a module is a driver the boot needs to reach its medium, by where the kernel tree keeps it
/// (modules.dep paths): block, ATA, SCSI (sd, sr, virtio-scsi, HBAs), NVMe, USB host controllers and USB
/// storage, MMC/SD, virtio, CD-ROM, Fusion MPT HBAs, PCI host bridges that hide NVMe (Intel VMD). Network,
/// input, sound, graphics and the rest are not (the live system's udev loads them after the switch).
/// </summary>
public static class BootDriverClass
{
    private static readonly string[] Folders =
    [
        "drivers/block/", "drivers/ata/", "drivers/scsi/", "drivers/nvme/", "drivers/usb/host/",
        "drivers/usb/storage/", "drivers/usb/core/", "drivers/usb/common/", "drivers/mmc/", "drivers/virtio/",
        "drivers/cdrom/", "drivers/message/fusion/", "drivers/pci/controller/", "drivers/memstick/",
        "extra/", "updates/",   // out-of-tree drivers someone put in the image on purpose (--extra-module)
    ];

    /// <summary>A network boot's medium is behind a network card: NIC drivers count too then.</summary>
    private const string NetworkFolder = "drivers/net/";

    /// <summary>True for a path such as <c>kernel/drivers/ata/ahci.ko</c> (any compression suffix); with
    /// <paramref name="network"/> (the plan brings up a network) also for NIC drivers.</summary>
    public static bool IsBootDriver(string modulePath, bool network = false)
    {
        var p = modulePath.StartsWith("kernel/", StringComparison.Ordinal) ? modulePath["kernel/".Length..] : modulePath;
        foreach (var f in Folders)
            if (p.StartsWith(f, StringComparison.Ordinal)) return true;
        return network && p.StartsWith(NetworkFolder, StringComparison.Ordinal);
    }

    /// <summary>The boot drivers among what a modalias resolves to (built-in drivers count: nothing to load).</summary>
    public static List<string> Filter(ModuleIndex index, IEnumerable<string> modules, bool network = false) =>
        modules.Where(m => index.PathByName.TryGetValue(m, out var path) && IsBootDriver(path, network)).ToList();
}
