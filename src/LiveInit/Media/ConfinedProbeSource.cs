using LiveInit.Native;
using LiveInit.Probe;

namespace LiveInit.Media;

/// <summary>The prober's view of a file opened by the confined opener: its descriptor, never its path again.
/// The limits of <see cref="ProbeSource"/> (one head read, bounded reads, a read budget) apply.</summary>
public sealed class ConfinedProbeSource(ConfinedFile file) : ProbeSource
{
    public override long Size => file.Length;

    protected override int ReadAt(long offset, Span<byte> buffer)
    {
        try { return file.ReadAt(offset, buffer); }
        catch (NativeException) { return -1; }
    }
}
