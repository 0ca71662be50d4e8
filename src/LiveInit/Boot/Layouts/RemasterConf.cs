using System.Text;
using LiveInit.Boot.Remaster;

namespace LiveInit.Boot.Layouts;

/// <summary>What antiX's <c>/live-config/remaster.conf</c> says (seed 004): the boot device and where it is
/// mounted, the image file, the root's union (<c>AUFS_MP</c>, what <c>mklinuxfs</c> packs: <c>/</c> in the live
/// system) and the writable layer's mount point (<c>AUFS_RAM_MP</c>, the seed's <c>/aufs-ram</c>), root
/// persistence, and on the boot that did one, the swap or rollback.</summary>
public sealed record RemasterConfValues(
    string BootDev, string BootFsType, string? BootLabel, string? BootUuid, string BootMp,
    string ImageDir, string ImageName, string AufsMp, string? AufsRamMp, bool PersistRoot,
    RemasterResult? Result, bool Resumed);

public static class RemasterConf
{
    /// <summary>The file, one <c>NAME='value'</c> per line, every value single-quoted so that <c>source</c> in a
    /// shell takes it literally (a label is hostile: quotes, <c>$( )</c>, newlines); control characters become
    /// '?'.</summary>
    public static string Render(RemasterConfValues v)
    {
        var s = new StringBuilder("# written by liveinit at boot: live remastering is possible on this boot\n");
        void Put(string name, string? value)
        {
            if (value is not null) s.Append(name).Append('=').Append(Quote(value)).Append('\n');
        }
        Put("BOOT_DEV", v.BootDev);
        Put("BOOT_FSTYPE", v.BootFsType);
        Put("BOOT_LABEL", v.BootLabel);
        Put("BOOT_UUID", v.BootUuid);
        Put("BOOT_MP", v.BootMp);
        Put("SQFILE_DIR", v.ImageDir);
        Put("SQFILE_NAME", v.ImageName);
        Put("SQFILE_FULL", v.ImageDir.TrimEnd('/') + "/" + v.ImageName);
        Put("AUFS_MP", v.AufsMp);
        Put("AUFS_RAM_MP", v.AufsRamMp);
        Put("PERSIST_ROOT", v.PersistRoot ? "true" : "false");
        var did = v.Result switch
        {
            RemasterResult.Applied => "REMASTERED",
            RemasterResult.RolledBack => "ROLLED_BACK",
            _ => null,
        };
        if (did is not null) Put(did, "true");
        if (did is not null && v.Resumed) Put("REMASTER_RESUMED", "true");
        return s.ToString();
    }

    public static string Quote(string value)
    {
        var clean = LiveInit.Text.Chars.Printable(value);
        return "'" + clean.Replace("'", "'\\''") + "'";
    }
}
