using System.Buffers.Binary;
using System.Text;
using LiveInit.Boot;
using LiveInit.Boot.Remaster;
using LiveInit.Media;
using LiveInit.Plan;

namespace LiveInit.Tests;

/// <summary>A fake antiX medium in a temporary folder: images whose superblocks the prober accepts, each
/// carrying a tag ("v1", "r2") so that every file can be followed through the renames.</summary>
public sealed class RemasterFixture : IDisposable
{
    public const string Bdir = "antiX";
    private readonly MediumRoot _root;

    public RemasterFixture(Dictionary<string, byte[]> files, Dictionary<string, string>? links = null)
    {
        Top = Repo.TempDir("remaster");
        Dir = Path.Combine(Top, Bdir);
        Directory.CreateDirectory(Dir);
        foreach (var (name, bytes) in files) File.WriteAllBytes(Path.Combine(Dir, name), bytes);
        foreach (var (name, target) in links ?? new Dictionary<string, string>()) File.CreateSymbolicLink(Path.Combine(Dir, name), target);
        _root = MediumRoot.Open(Top);
        Folder = new RemasterFolder(_root, Bdir);
    }

    public string Top { get; }
    public string Dir { get; }
    public RemasterFolder Folder { get; }
    public ListLog Log { get; } = new();

    public RemasterOutcome Run(RemasterAction action, bool persistRoot, Func<int, bool>? stopAfter = null, bool writable = true,
        string image = "linuxfs") =>
        new RemasterEngine(Folder, Log, () => writable, stopAfter).Run(new RemasterRequest(action, image, persistRoot));

    public bool JournalThere => File.Exists(Path.Combine(Dir, RemasterJournal.FileName));

    /// <summary>name → tag of the file (links as "->target"), the journal and temporary files left out.</summary>
    public SortedDictionary<string, string> State()
    {
        var s = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFileSystemEntries(Dir))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith('.')) continue;
            var info = new FileInfo(path);
            s[name] = info.LinkTarget is { } t ? "->" + t : TagOf(File.ReadAllBytes(path));
        }
        return s;
    }

    /// <summary>The tags of every regular file: what must never change (no file lost, none duplicated).</summary>
    public List<string> Contents() =>
        Directory.EnumerateFiles(Dir).Where(p => !Path.GetFileName(p).StartsWith('.') && new FileInfo(p).LinkTarget is null)
            .Select(p => TagOf(File.ReadAllBytes(p))).Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        _root.Dispose();
        try { Directory.Delete(Top, recursive: true); } catch (IOException) { }
    }

    // ---- images -------------------------------------------------------------------------------------------

    private const int TagOffset = 200, TagLength = 16;

    /// <summary>A squashfs 4.0 superblock ("hsqs", bytes_used) in a file of <paramref name="size"/> bytes.</summary>
    public static byte[] Squashfs(string tag, int size = 8192, long? bytesUsed = null)
    {
        var b = new byte[size];
        if (size >= 96)
        {
            Encoding.ASCII.GetBytes("hsqs").CopyTo(b, 0);
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(28), 4);
            BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(40), bytesUsed ?? size - 100);
        }
        Tag(b, tag);
        return b;
    }

    /// <summary>An ext2 superblock (magic 0xEF53, 1 KiB blocks) in a file of <paramref name="blocks"/> KiB.</summary>
    public static byte[] Ext(string tag, int blocks = 8, int? declaredBlocks = null)
    {
        var b = new byte[blocks * 1024];
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(1024 + 4), (uint)(declaredBlocks ?? blocks));
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(1024 + 0x38), 0xEF53);
        Tag(b, tag);
        return b;
    }

    public static byte[] Ascii(string tag) => Encoding.ASCII.GetBytes(tag);

    public static byte[] Md5File(byte[] content, string name) =>
        Encoding.ASCII.GetBytes($"{Md5.HashHex(new MemoryStream(content))}  {name}\n");

    private static void Tag(byte[] b, string tag)
    {
        if (b.Length >= TagOffset + TagLength) Encoding.ASCII.GetBytes(tag.PadRight(TagLength)).CopyTo(b, TagOffset);
    }

    public static string TagOf(byte[] b)
    {
        if (b.Length >= TagOffset + TagLength && (b.AsSpan(0, 4).SequenceEqual("hsqs"u8) || b.Length > 1024 + 0x3A
                && BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(1024 + 0x38)) == 0xEF53))
            return Encoding.ASCII.GetString(b, TagOffset, TagLength).TrimEnd();
        return Encoding.ASCII.GetString(b.Length > 64 ? b[..64] : b).Split(' ')[0].Trim();
    }
}

/// <summary>The remaster log as a list of lines ("warning: ...").</summary>
public sealed class ListLog : IRemasterLog
{
    public List<string> Lines { get; } = [];
    public void Info(string message) => Lines.Add(message);
    public void Notice(string message) => Lines.Add(message);
    public void Warn(string message) => Lines.Add("warning: " + message);
    public void Error(string message) => Lines.Add("error: " + message);
    public string All => string.Join("\n", Lines);
}
