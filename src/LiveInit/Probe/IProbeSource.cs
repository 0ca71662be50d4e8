using LiveInit.Native;

namespace LiveInit.Probe;

/// <summary>Bytes of a device or image to probe. <see cref="Read"/> returns exactly the bytes asked for, or an
/// empty span when they are not all there (short device, I/O error): probers never read out of bounds.</summary>
public interface IProbeSource
{
    long Size { get; }
    ReadOnlySpan<byte> Read(long offset, int length);
}

/// <summary>A probe source over memory (tests, fuzzing).</summary>
public sealed class MemoryProbeSource(byte[] data) : IProbeSource
{
    public long Size => data.Length;
    public ReadOnlySpan<byte> Read(long offset, int length) =>
        offset < 0 || length < 0 || offset + length > data.Length ? default : data.AsSpan((int)offset, length);
}

/// <summary>A probe source over a block device or regular file. The first 68 KiB (every magic LiveInit
/// looks for: MBR, FAT/NTFS/exFAT boot sectors, ext/erofs/f2fs at 1 KiB, swap pages, ISO descriptors at
/// 32 KiB, btrfs at 64 KiB) come in with ONE pread(2); other reads are cached per request.</summary>
public sealed class FileProbeSource : IProbeSource, IDisposable
{
    private const ulong BLKGETSIZE64 = 0x80081272;
    public const int HeadSize = 68 * 1024;
    private readonly SafeFd _fd;
    private readonly string _path;
    private readonly Dictionary<(long, int), byte[]> _cache = [];
    private byte[]? _head;
    private int _headLength = -1;

    public long Size { get; }

    public FileProbeSource(string path)
    {
        _path = path;
        _fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_NONBLOCK);
        var st = Libc.Fstat(_fd, path);
        Size = st.IsBlockDevice ? BlockSize() : st.Size;
    }

    private unsafe long BlockSize()
    {
        ulong size = 0;
        Libc.Ioctl(_fd, BLKGETSIZE64, &size, "BLKGETSIZE64", _path);
        return (long)size;
    }

    public ReadOnlySpan<byte> Read(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset + length > Size) return default;
        if (offset + length <= HeadSize)
        {
            if (_headLength < 0) LoadHead();
            if (offset + length <= _headLength) return _head.AsSpan((int)offset, length);
        }
        if (_cache.TryGetValue((offset, length), out var hit)) return hit;
        var buf = new byte[length];
        int n;
        try { n = Libc.PRead(_fd, buf, offset, _path); }
        catch (NativeException) { return default; }
        if (n != length) return default;
        _cache[(offset, length)] = buf;
        return buf;
    }

    private void LoadHead()
    {
        _head = System.Buffers.ArrayPool<byte>.Shared.Rent(HeadSize);
        try { _headLength = Libc.PRead(_fd, _head.AsSpan(0, (int)Math.Min(HeadSize, Size)), 0, _path); }
        catch (NativeException) { _headLength = 0; }
    }

    public void Dispose()
    {
        if (_head is not null) System.Buffers.ArrayPool<byte>.Shared.Return(_head);
        _head = null;
        _fd.Dispose();
    }
}
