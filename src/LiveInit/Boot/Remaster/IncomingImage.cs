using System.Text;
using LiveInit.Media;
using LiveInit.Probe;

namespace LiveInit.Boot.Remaster;

/// <summary>
/// The checks an image passes before it is renamed in (<c>linuxfs.new</c>, <c>rootfs.new</c>, or
/// <c>linuxfs.old</c> on a rollback): it opens through the confined opener (a link must stay on the medium and
/// end on a regular file), it is not empty, the prober recognises the filesystem its role needs (squashfs or
/// erofs for the root image, ext2/3/4 for root persistence), the file is at least as long as its superblock
/// says, and, when a <c>&lt;name&gt;.md5</c> file lies beside it (md5sum's format: 32 hex digits, two spaces,
/// a name), its MD5 matches. A file that fails is left where it is; the message says what is wrong.
/// </summary>
public static class IncomingImage
{
    public const int MaxMd5File = 4096;

    /// <summary>Null when <paramref name="name"/> may be renamed in; otherwise what is wrong with it.</summary>
    public static string? Problem(RemasterFolder folder, string name, ImageRole role)
    {
        using var file = folder.TryOpen(name, out var refusal);
        if (file is null)
            return refusal is null ? "it is not there (a link to a missing file?)" : $"it cannot be used: {refusal}";
        if (file.Length == 0) return "it is empty (0 bytes): an interrupted copy?";
        var expected = role == ImageRole.Root ? "squashfs or erofs" : "an ext2/ext3/ext4 image";
        var src = new ConfinedProbeSource(file);
        var type = Prober.ProbeFilesystem(src).Get("TYPE");
        if (type is null) return $"it holds no filesystem LiveInit recognises (expected {expected}): a damaged or incomplete copy?";
        var fits = role == ImageRole.Root ? type is "squashfs" or "erofs" : type is "ext2" or "ext3" or "ext4";
        if (!fits) return $"it is {type}, not {expected}";
        var declared = ImageSize.Declared(src, type);
        if (declared is null) return $"its {type} superblock gives no plausible size: a damaged copy?";
        if (declared.Value > file.Length)
            return $"it is truncated: its {type} superblock says {declared.Value} bytes, the file has {file.Length} "
                   + "(an interrupted copy?)";
        return Md5Problem(folder, name, file);
    }

    private static string? Md5Problem(RemasterFolder folder, string name, ConfinedFile file)
    {
        var md5Name = name + ".md5";
        if (!folder.Exists(md5Name)) return null;
        using var sum = folder.TryOpen(md5Name, out var refusal);
        if (sum is null) return $"{md5Name} beside it cannot be read: {refusal ?? "it is a link to a missing file"}";
        var bytes = sum.ReadSmall(MaxMd5File);
        if (bytes is null) return $"{md5Name} is larger than {MaxMd5File} bytes, not an md5sum line";
        var expected = ParseMd5Line(bytes);
        if (expected is null) return $"{md5Name} is not an md5sum line ('<32 hex digits>  {name}'); fix or delete it";
        string actual;
        try
        {
            using var s = file.OpenStream(1 << 20);
            actual = Md5.HashHex(s);
        }
        catch (IOException e) { return $"it cannot be read to check its MD5: {e.Message}"; }
        return actual == expected ? null
            : $"its MD5 is {actual}, but {md5Name} says {expected}: a damaged or incomplete copy";
    }

    /// <summary>The lower-case digest of the first line of an md5sum file ("hash  name", "hash *name", or the
    /// hash alone; md5sum's leading backslash for escaped names allowed), or null.</summary>
    public static string? ParseMd5Line(ReadOnlySpan<byte> content)
    {
        string text;
        try { text = new UTF8Encoding(false, true).GetString(content); }
        catch (DecoderFallbackException) { return null; }
        var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        if (line is null) return null;
        if (line.StartsWith('\\')) line = line[1..];
        var hash = line.Split(' ', '\t')[0];
        return hash.Length == 32 && LiveInit.Text.Chars.All(hash, char.IsAsciiHexDigit) ? hash.ToLowerInvariant() : null;
    }
}
