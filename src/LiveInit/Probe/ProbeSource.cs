using LiveInit.Native;

namespace LiveInit.Probe;

/// <summary>
/// The bytes of one device or image as the probers see them, with the limits that keep a hostile medium from
/// costing PID 1 memory or time, enforced here so that no prober can exceed them:
/// <list type="bullet">
/// <item>the first <see cref="HeadSize"/> bytes (every magic LiveInit looks for: MBR, FAT/NTFS/exFAT boot
/// sectors, ext/erofs/f2fs at 1 KiB, swap pages, ISO descriptors at 32 KiB, btrfs at 64 KiB) come in with ONE
/// read, once;</item>
/// <item>any other read is at most <see cref="MaxReadLength"/> bytes and is not cached (directory scans read
/// slices of <see cref="SliceSize"/>);</item>
/// <item>all reads of one source together fetch at most <see cref="ReadBudget"/> bytes, each read counting at
/// least one page (what the kernel reads anyway): at most ~1000 reads beyond the head, 4 MiB of memory.</item>
/// </list>
/// <see cref="Read"/> returns exactly the bytes asked for, or an empty span when they are not all there (short
/// device, I/O error, a limit): probers never read out of bounds and never see partial data. The first limit
/// that refused a read is kept in <see cref="Limit"/> for the trace.
/// </summary>
public abstract class ProbeSource : IDisposable
{
    public const int HeadSize = 68 * 1024;
    /// <summary>The largest single read: an NTFS MFT record, an erofs block (both at most 64 KiB).</summary>
    public const int MaxReadLength = 64 * 1024;
    /// <summary>What one probe of one device may read in all (the head included). libblkid itself has no such
    /// limit; real filesystems need far less (a GPT with both copies of a 1 MiB entry array is the largest).</summary>
    public const long ReadBudget = 4L << 20;
    /// <summary>The slice in which directories and other long regions are scanned.</summary>
    public const int SliceSize = 4096;
    private const int MinCost = 4096;

    private byte[]? _head;
    private int _headLength = -1;

    public abstract long Size { get; }

    /// <summary>Bytes charged to the budget so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Why the first refused read was refused (a limit, not an I/O error), else null.</summary>
    public string? Limit { get; private set; }

    public ReadOnlySpan<byte> Read(long offset, int length)
    {
        if (offset < 0 || length <= 0 || length > Size || offset > Size - length) return default;
        if (offset + length <= HeadSize)
        {
            if (_headLength < 0) LoadHead();
            if (offset + length <= _headLength) return _head.AsSpan((int)offset, length);
        }
        if (length > MaxReadLength)
            return Refuse($"a read of {length} bytes at {offset} is over the {MaxReadLength / 1024} KiB limit");
        var cost = Math.Max(length, MinCost);
        if (BytesRead + cost > ReadBudget)
            return Refuse($"read budget of {ReadBudget >> 20} MiB used up (read of {length} bytes at {offset} refused)");
        BytesRead += cost;
        var buf = new byte[length];
        return ReadAt(offset, buf) == length ? buf : default;
    }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; returns the bytes read (fewer at the
    /// end of the device), or -1 on an I/O error. Never throws for I/O errors.</summary>
    protected abstract int ReadAt(long offset, Span<byte> buffer);

    private ReadOnlySpan<byte> Refuse(string why)
    {
        Limit ??= why;
        return default;
    }

    private void LoadHead()
    {
        var n = (int)Math.Min(HeadSize, Size);
        BytesRead += n;
        _head = System.Buffers.ArrayPool<byte>.Shared.Rent(HeadSize);
        _headLength = Math.Max(0, ReadAt(0, _head.AsSpan(0, n)));
    }

    public virtual void Dispose()
    {
        if (_head is not null) System.Buffers.ArrayPool<byte>.Shared.Return(_head);
        _head = null;
        _headLength = -1;
        GC.SuppressFinalize(this);
    }
}

/// <summary>A probe source over memory (tests, fuzzing): the same limits as a device.</summary>
public sealed class MemoryProbeSource(byte[] data) : ProbeSource
{
    public override long Size => data.Length;

    protected override int ReadAt(long offset, Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, data.Length - offset);
        data.AsSpan((int)offset, n).CopyTo(buffer);
        return n;
    }
}

/// <summary>A probe source over a block device or regular file (pread(2), no cache beyond the head).</summary>
public sealed class FileProbeSource : ProbeSource
{
    private const ulong BLKGETSIZE64 = 0x80081272;
    private readonly SafeFd _fd;
    private readonly string _path;

    public override long Size { get; }

    public FileProbeSource(string path)
    {
        _path = path;
        _fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_NONBLOCK);
        try
        {
            var st = Libc.Fstat(_fd, path);
            Size = st.IsBlockDevice ? BlockSize() : st.Size;
        }
        catch
        {
            _fd.Dispose();
            throw;
        }
    }

    private unsafe long BlockSize()
    {
        ulong size = 0;
        Libc.Ioctl(_fd, BLKGETSIZE64, &size, "BLKGETSIZE64", _path);
        return (long)Math.Min(size, long.MaxValue);
    }

    protected override int ReadAt(long offset, Span<byte> buffer)
    {
        try { return Libc.PRead(_fd, buffer, offset, _path); }
        catch (NativeException) { return -1; }
    }

    public override void Dispose()
    {
        base.Dispose();
        _fd.Dispose();
    }
}
