namespace LiveInit.Probe.PartitionTables;

/// <summary>One partition of a table: number as the kernel numbers it, start and size in 512-byte sectors,
/// the type (hex byte for dos, GUID for gpt), PARTUUID and PARTLABEL (gpt only).</summary>
public sealed record PartitionEntry(int Number, long Start, long Size, string Type, string? Uuid, string? Name);

/// <summary>A partition table found on a whole disk.</summary>
public sealed record PartitionTable(string Type, string? Id, IReadOnlyList<PartitionEntry> Partitions);
