using LiveInit.Plan;

namespace LiveInit.Boot;

/// <summary>
/// The budget and the copy of copytoram (archiso <c>copytoram</c>, dracut <c>rd.live.ram</c>, antiX
/// <c>toram</c>, SystemRescueCd-5 <c>docache</c>). Pure: the step gives it numbers and streams.
/// <list type="bullet">
/// <item><c>auto</c> copies when the medium is not optical, the image is under 4 GiB and MemAvailable holds the
/// image plus <see cref="AutoMargin"/> (2 GiB): copying is an optimisation there, so it must cost nothing.</item>
/// <item>An explicit request (<c>y</c>, <c>rd.live.ram</c>, <c>toram</c>, <c>docache</c>) copies when
/// MemAvailable holds the image plus <see cref="ExplicitMargin"/> (256 MiB): what a small live system needs
/// after the copy for the kernel, the tmpfs upper layer's first writes and its first programs. Less than
/// that and the copy would leave a machine that runs out of memory (PID 1 cannot be OOM-killed, so the
/// kernel panics); the boot goes on from the medium with a warning instead.</item>
/// <item>The tmpfs holding the copy is capped at the image rounded up to pages plus <see cref="TmpfsSlack"/>,
/// so a file that grows or lies about its size cannot eat the RAM the budget kept.</item>
/// </list>
/// </summary>
public static class RamCopy
{
    public const long AutoMargin = 2L << 30, ExplicitMargin = 256L << 20, AutoMaxImage = 4L << 30;
    public const long TmpfsSlack = 1L << 20;
    private const int Chunk = 1 << 20;

    /// <summary>Why the image must not be copied; null when it fits the budget.</summary>
    public static string? Refusal(ImageCopy mode, long imageBytes, long memAvailable, bool optical)
    {
        if (mode == ImageCopy.No) return "copy to RAM is off";
        if (mode == ImageCopy.Auto)
        {
            if (optical) return "the medium is an optical drive";
            if (imageBytes >= AutoMaxImage)
                return $"the image is {imageBytes >> 20} MiB, not under {AutoMaxImage >> 20} MiB";
        }
        var margin = mode == ImageCopy.Auto ? AutoMargin : ExplicitMargin;
        if (memAvailable - margin < imageBytes)
            return $"{imageBytes >> 20} MiB image + {margin >> 20} MiB margin > {memAvailable >> 20} MiB available";
        return null;
    }

    /// <summary>size= of the tmpfs: the image rounded up to 4 KiB pages plus a little slack.</summary>
    public static long TmpfsBytes(long imageBytes) => (imageBytes + 4095) / 4096 * 4096 + TmpfsSlack;

    /// <summary>Copies exactly <paramref name="expected"/> bytes; null when done, else why not (read or write
    /// error, ENOSPC, a source shorter or longer than it said). Never writes more than expected.</summary>
    public static string? Copy(Stream source, Stream destination, long expected)
    {
        var buffer = new byte[Chunk];
        long done = 0;
        try
        {
            while (done < expected)
            {
                var n = source.Read(buffer, 0, (int)Math.Min(buffer.Length, expected - done));
                if (n == 0) return $"short copy: the source ended after {done} of {expected} bytes";
                destination.Write(buffer, 0, n);
                done += n;
            }
            if (source.Read(buffer, 0, 1) != 0)
                return $"the source is longer than its {expected} bytes (it changed during the copy?)";
            destination.Flush();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{e.Message} after {done >> 20} of {expected >> 20} MiB";
        }
    }

    /// <summary>MemAvailable from /proc/meminfo text, in bytes (0 when absent).</summary>
    public static long MemAvailable(IEnumerable<string> meminfoLines)
    {
        foreach (var line in meminfoLines)
            if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                && long.TryParse(line[13..].Trim().Split(' ')[0], out var kb))
                return kb * 1024;
        return 0;
    }
}
