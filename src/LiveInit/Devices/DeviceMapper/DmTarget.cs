namespace LiveInit.Devices.DeviceMapper;

/// <summary>One line of a device-mapper table: a range of sectors mapped by a target type with parameters.</summary>
public sealed record DmTarget(ulong SectorStart, ulong Length, string Type, string Parameters)
{
    public override string ToString() => $"{SectorStart} {Length} {Type} {Parameters}";
}

/// <summary>The snapshot target: copy-on-write of <c>origin</c> into <c>cow</c>. Persistent ('P') keeps the
/// exception table on the COW device so it survives a reboot; 'N' is for COW space in RAM. Chunk size in
/// 512-byte sectors (8 = 4 KiB, as dracut and archiso use).</summary>
public static class SnapshotTarget
{
    public static DmTarget Create(string originDevice, string cowDevice, ulong sectors, bool persistent, int chunkSectors = 8) =>
        new(0, sectors, "snapshot", $"{originDevice} {cowDevice} {(persistent ? "P" : "N")} {chunkSectors}");
}
