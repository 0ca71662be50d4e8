namespace LiveInit.Probe.Filesystems;

/// <summary>ext2, ext3, ext4 and jbd from one superblock at 1024 (&lt;linux/ext2_fs.h&gt;), decided from the
/// feature flags exactly as libblkid's ext.c decides: jbd = external journal device; ext2 = no journal and
/// only ext2 features; ext3 = journal and only ext3 features (SEC_TYPE ext2); ext4 = anything beyond that.
/// A metadata_csum superblock must carry a valid CRC-32C.</summary>
public sealed class ExtProber : IFilesystemProber
{
    private const int SbOffset = 1024;
    private const uint CompatHasJournal = 0x4, IncompatJournalDev = 0x8, RoCompatMetadataCsum = 0x400;
    private const uint Ext2RoSupported = 0x7, Ext2IncompatSupported = 0x12, Ext3IncompatSupported = 0x16;

    public string Name => "ext";
    public ProbeUsage Usage => ProbeUsage.Filesystem;

    public bool Probe(ProbeSource src, ProbeResult r)
    {
        var sb = src.Read(SbOffset, 1024);
        if (sb.IsEmpty || Bytes.Le16(sb, 0x38) != 0xEF53) return false;
        var compat = Bytes.Le32(sb, 0x5C);
        var incompat = Bytes.Le32(sb, 0x60);
        var roCompat = Bytes.Le32(sb, 0x64);
        if ((roCompat & RoCompatMetadataCsum) != 0 && Crc32c.Update(~0u, sb[..0x3FC]) != Bytes.Le32(sb, 0x3FC))
            return false;
        string type;
        if ((incompat & IncompatJournalDev) != 0) type = "jbd";
        else if ((compat & CompatHasJournal) == 0 && (roCompat & ~Ext2RoSupported) == 0 && (incompat & ~Ext2IncompatSupported) == 0)
            type = "ext2";
        else if ((compat & CompatHasJournal) != 0 && (roCompat & ~Ext2RoSupported) == 0 && (incompat & ~Ext3IncompatSupported) == 0)
            type = "ext3";
        else type = "ext4";
        r.Set("TYPE", type);
        if (type == "ext3") r.Set("SEC_TYPE", "ext2");
        r.SetLabel("LABEL", sb.Slice(0x78, 16));
        var uuid = sb.Slice(0x68, 16);
        if (!Bytes.AllZero(uuid)) r.Set(type == "jbd" ? "LOGUUID" : "UUID", Bytes.Uuid(uuid));
        if (type == "jbd" && !Bytes.AllZero(uuid)) r.Set("UUID", Bytes.Uuid(uuid));
        r.Set("VERSION", $"{Bytes.Le32(sb, 0x4C)}.{Bytes.Le16(sb, 0x3E)}");
        return true;
    }
}
