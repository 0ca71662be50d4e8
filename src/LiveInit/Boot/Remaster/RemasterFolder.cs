using LiveInit.Media;

namespace LiveInit.Boot.Remaster;

/// <summary>The folder of the image on the medium (antiX's <c>bdir</c>), seen through the confined opener: every
/// name is a plain name in it, every rename is RENAME_NOREPLACE followed by an fsync of the folder, and the
/// journal is written durably (temporary file, fsync, rename, fsync of the folder).</summary>
public sealed class RemasterFolder(MediumRoot root, string dir)
{
    public string Dir { get; } = dir.Trim('/');

    private string Rel(string name) => Dir.Length == 0 ? name : $"{Dir}/{name}";

    /// <summary>"/live/boot-dev/antiX/linuxfs.new", for messages.</summary>
    public string Where(string name) => PathText.Printable(root.Where(Rel(name)));

    /// <summary>The folder itself is there (a directory on the medium).</summary>
    public bool IsThere => root.Lookup(Dir).IsDirectory;

    /// <summary>The name exists (a link counts, even a dangling one).</summary>
    public bool Exists(string name) => root.Exists(Rel(name));

    /// <summary>What the name is once same-medium links are followed (for the size and kind in messages).</summary>
    public MediumEntry Lookup(string name) => root.Lookup(Rel(name));

    /// <summary>Renames without ever replacing (EEXIST instead); durable when it returns.</summary>
    public void Rename(string from, string to) => root.Rename(Rel(from), Rel(to));

    public ConfinedFile? TryOpen(string name, out string? refusal) => root.TryOpenFile(Rel(name), false, out refusal);

    public void WriteDurably(string name, byte[] content) => root.WriteFileDurably(Rel(name), content);

    public void Delete(string name) => root.DeleteFile(Rel(name));

    /// <summary>The names in the folder (bounded), for messages and tests.</summary>
    public IReadOnlyList<string> List() => root.List(Dir);
}
