using System.Text;

namespace LiveInit.Initramfs;

/// <summary>The "newc" cpio format the kernel unpacks as an initramfs. Entries are written exactly as given
/// (mtime, owner, inode numbers all chosen by the caller), so the archive is reproducible.</summary>
public sealed class CpioWriter(Stream output)
{
    private uint _ino = 1;
    private long _written;

    public const uint S_IFDIR = 0x4000, S_IFREG = 0x8000, S_IFLNK = 0xA000, S_IFCHR = 0x2000;

    public void Directory(string name, uint mode = 0x1ED) => Entry(name, S_IFDIR | mode, [], 2, 0, 0);
    public void File(string name, ReadOnlySpan<byte> data, uint mode = 0x1A4) => Entry(name, S_IFREG | mode, data, 1, 0, 0);
    public void Symlink(string name, string target) => Entry(name, S_IFLNK | 0x1FF, Encoding.UTF8.GetBytes(target), 1, 0, 0);
    public void CharDevice(string name, uint major, uint minor, uint mode = 0x180) => Entry(name, S_IFCHR | mode, [], 1, major, minor);

    public void Trailer()
    {
        _ino = 0;
        Entry("TRAILER!!!", 0, [], 1, 0, 0);
        var pad = (int)((512 - _written % 512) % 512);
        output.Write(new byte[pad]);
    }

    private void Entry(string name, uint mode, ReadOnlySpan<byte> data, uint nlink, uint rmajor, uint rminor)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var header = $"070701{_ino++:X8}{mode:X8}{0:X8}{0:X8}{nlink:X8}{0:X8}{data.Length:X8}{0:X8}{0:X8}{rmajor:X8}{rminor:X8}{nameBytes.Length + 1:X8}{0:X8}";
        Write(Encoding.ASCII.GetBytes(header));
        Write(nameBytes);
        Write([0]);
        Pad();
        Write(data);
        Pad();
    }

    private void Write(ReadOnlySpan<byte> b) { output.Write(b); _written += b.Length; }
    private void Pad() { var n = (int)((4 - _written % 4) % 4); if (n > 0) Write(new byte[n]); }
}
