using LiveInit.Native;
using LiveInit.Probe;

namespace LiveInit.Media;

/// <summary>The prober's view of a file opened by the confined opener: its descriptor, never its path again.
/// A read that fails or falls short returns nothing, so a prober never sees bytes that are not there.</summary>
public sealed class ConfinedProbeSource(ConfinedFile file) : IProbeSource
{
    /// <summary>Superblocks sit in the first 68 KiB; nothing reads more than this at once.</summary>
    public const int MaxRead = 1 << 20;

    public long Size => file.Length;

    public ReadOnlySpan<byte> Read(long offset, int length)
    {
        if (offset < 0 || length < 0 || length > MaxRead || offset + length > Size) return default;
        var buf = new byte[length];
        int n;
        try { n = file.ReadAt(offset, buf); }
        catch (NativeException) { return default; }
        return n == length ? buf : default;
    }
}
