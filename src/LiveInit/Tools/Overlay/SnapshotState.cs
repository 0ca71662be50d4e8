using System.Buffers.Binary;

namespace LiveInit.Tools.Overlay;

/// <summary>The status of a dm-snapshot target (Documentation/admin-guide/device-mapper/snapshot.rst):
/// "&lt;sectors_allocated&gt;/&lt;total_sectors&gt; &lt;metadata_sectors&gt;", or "Invalid" once its COW ran out,
/// "Overflow" (PO snapshots), "Merge failed". Pure.</summary>
public sealed record SnapshotStatus(long UsedSectors, long TotalSectors, long MetadataSectors, string? Problem)
{
    public bool Invalid => Problem is not null;
    public long UsedBytes => UsedSectors * 512;
    public long TotalBytes => TotalSectors * 512;
    public double Percent => TotalSectors == 0 ? 0 : 100.0 * UsedSectors / TotalSectors;

    public static SnapshotStatus? Parse(string status)
    {
        var t = status.Trim();
        if (t is "Invalid" or "Overflow" or "Merge failed") return new SnapshotStatus(0, 0, 0, t);
        var words = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 1) return null;
        var slash = words[0].IndexOf('/');
        if (slash < 0 || !long.TryParse(words[0][..slash], out var used) || !long.TryParse(words[0][(slash + 1)..],
            out var total)) return null;
        var meta = words.Length > 1 && long.TryParse(words[1], out var m) ? m : 0;
        return new SnapshotStatus(used, total, meta, null);
    }
}

/// <summary>The table of a snapshot target: "&lt;origin&gt; &lt;cow&gt; P|N|PO &lt;chunk sectors&gt;" (devices as
/// major:minor).</summary>
public sealed record SnapshotTable(string Origin, string Cow, bool Persistent, int ChunkSectors)
{
    public static SnapshotTable? Parse(string table)
    {
        var w = table.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (w.Length < 4 || !int.TryParse(w[3], out var chunk)) return null;
        return new SnapshotTable(w[0], w[1], w[2].StartsWith('P'), chunk);
    }
}

/// <summary>The status of a mirror target (dm-raid1.c mirror_status): "&lt;#legs&gt; &lt;dev&gt;...
/// &lt;in-sync&gt;/&lt;regions&gt;
/// 1 &lt;health&gt; &lt;log status&gt;", health one letter per leg (A alive, D dead, S sync failure, R read failure, F
/// flush failure, U unclassified).</summary>
public sealed record MirrorStatus(long InSync, long Regions, string Health)
{
    public bool Done => InSync == Regions;
    public bool Failed => LiveInit.Text.Chars.Any(Health, c => c != 'A');

    public static MirrorStatus? Parse(string status)
    {
        var w = status.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (w.Length < 1 || !int.TryParse(w[0], out var legs) || legs < 1 || w.Length < legs + 4) return null;
        var ratio = w[legs + 1];
        var slash = ratio.IndexOf('/');
        if (slash < 0 || !long.TryParse(ratio[..slash], out var done) || !long.TryParse(ratio[(slash + 1)..],
            out var all)) return null;
        return new MirrorStatus(done, all, w[legs + 3]);
    }
}

/// <summary>The header of a persistent dm-snapshot COW (dm-snap-persistent.c, struct disk_header, little endian):
/// magic "SnAp" (0x70416e53), valid (1; 0 once the COW ran out), version (1), chunk size in sectors. A COW whose
/// first bytes are zero is new: the kernel starts it empty (that is what a reset writes).</summary>
public sealed record SnapshotHeader(uint Magic, uint Valid, uint Version, uint ChunkSectors)
{
    public const uint SnapMagic = 0x70416e53;
    public const int ValidOffset = 4, ResetBytes = 64 * 1024;

    public bool IsSnapshot => Magic == SnapMagic;
    public bool IsNew => Magic == 0;

    public static SnapshotHeader Parse(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(b), BinaryPrimitives.ReadUInt32LittleEndian(b[4..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[8..]), BinaryPrimitives.ReadUInt32LittleEndian(b[12..]));

    public static SnapshotHeader Read(string file)
    {
        using var f = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var b = new byte[16];
        return f.ReadAtLeast(b, 16, throwOnEndOfStream: false) == 16 ? Parse(b) : new SnapshotHeader(0, 0, 0, 0);
    }
}
