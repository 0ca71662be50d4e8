namespace LiveInit.Probe.Filesystems;

/// <summary>Linux swap: "SWAPSPACE2" (v1, with UUID and label at 1024+12/+28) or "SWAP-SPACE" (v0) in the
/// last 10 bytes of the first page, for page sizes 4 KiB to 64 KiB.</summary>
public sealed class SwapProber : IFilesystemProber
{
    private static readonly int[] PageSizes = [4096, 8192, 16384, 32768, 65536];

    public string Name => "swap";
    public ProbeUsage Usage => ProbeUsage.Other;

    public bool Probe(ProbeSource src, ProbeResult r)
    {
        foreach (var page in PageSizes)
        {
            var sig = src.Read(page - 10, 10);
            if (sig.IsEmpty) return false;
            if (Bytes.Is(sig, 0, "SWAP-SPACE"))
            {
                r.Set("TYPE", "swap");
                r.Set("VERSION", "0");
                return true;
            }
            if (!Bytes.Is(sig, 0, "SWAPSPACE2")) continue;
            var hdr = src.Read(1024, 44);
            if (hdr.IsEmpty) return false;
            var version = Bytes.Le32(hdr, 0);
            if (version != 1 && Bytes.Be32(hdr, 0) != 1) return false;
            if (Bytes.Le32(hdr, 4) == 0 && Bytes.Be32(hdr, 4) == 0) return false;
            r.Set("TYPE", "swap");
            r.SetLabel("LABEL", hdr.Slice(28, 16));
            var uuid = hdr.Slice(12, 16);
            if (!Bytes.AllZero(uuid)) r.Set("UUID", Bytes.Uuid(uuid));
            r.Set("VERSION", "1");
            return true;
        }
        return false;
    }
}
