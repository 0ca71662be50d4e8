using LiveInit.Native;
using Microsoft.Win32.SafeHandles;

namespace LiveInit.Media;

/// <summary>A regular file opened beneath a medium's mount: this descriptor is what loop devices, checksums
/// and resets use, so nothing can swap the path for a link afterwards.</summary>
public sealed class ConfinedFile : IDisposable
{
    internal ConfinedFile(SafeFd fd, string where, StatBuf st, bool writable)
    {
        Fd = fd;
        Where = where;
        Length = st.Size;
        Device = st.Dev;
        Inode = st.Ino;
        Writable = writable;
    }

    internal SafeFd Fd { get; }
    /// <summary>The mount point and the path as given (for messages and loop names).</summary>
    public string Where { get; }
    public long Length { get; }
    public ulong Device { get; }
    public ulong Inode { get; }
    public bool Writable { get; }

    /// <summary>A stream over a duplicate of the descriptor (the stream closes its own copy).</summary>
    public FileStream OpenStream(int bufferSize = 1 << 16)
    {
        var dup = Libc.Dup(Fd, Where);
        return new FileStream(new SafeFileHandle(dup, ownsHandle: true), Writable ? FileAccess.ReadWrite : FileAccess.Read,
            bufferSize);
    }

    /// <summary>The whole content of a small file (a journal, a checksum file), or null when it holds more than
    /// <paramref name="max"/> bytes: a file on a medium is never read without a bound.</summary>
    public byte[]? ReadSmall(int max)
    {
        if (Length > max) return null;
        var buf = new byte[max + 1];
        var n = Libc.PRead(Fd, buf, 0, Where);
        return n > max ? null : buf[..n];
    }

    /// <summary>Reads at <paramref name="offset"/> until the buffer is full or the file ends; the bytes read.</summary>
    public int ReadAt(long offset, Span<byte> buffer) => Libc.PRead(Fd, buffer, offset, Where);

    public void Dispose() => Fd.Dispose();
}
