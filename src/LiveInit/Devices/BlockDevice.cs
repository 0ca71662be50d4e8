namespace LiveInit.Devices;

/// <summary>A block device as sysfs describes it (/sys/class/block/NAME).</summary>
public sealed record BlockDevice(
    string Name, uint Major, uint Minor, long SizeBytes, bool Removable, bool ReadOnly,
    int PartitionNumber, string? Parent, long StartSector, bool OnUsb = false)
{
    public string DevPath => "/dev/" + Name;
    public bool IsPartition => PartitionNumber > 0;
    public bool IsLoop => Name.StartsWith("loop", StringComparison.Ordinal);
    public bool IsOptical => Name.StartsWith("sr", StringComparison.Ordinal);
    /// <summary>What "removable" means for a search: the removable flag, an optical drive, or a USB disk
    /// (many USB sticks and QEMU's usb-storage report removable=0).</summary>
    public bool IsRemovableLike => Removable || IsOptical || OnUsb;
    public bool IsRam => Name.StartsWith("ram", StringComparison.Ordinal) || Name.StartsWith("zram", StringComparison.Ordinal);
}
