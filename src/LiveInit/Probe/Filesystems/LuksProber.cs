namespace LiveInit.Probe.Filesystems;

/// <summary>LUKS1 and LUKS2 headers ("LUKS\xba\xbe", big-endian version at 6): UUID at 168, and for
/// LUKS2 the label at 24 and the subsystem at 208. With <c>secondary</c>, the LUKS2 backup header
/// ("SKUL\xba\xbe") at its standard offsets: that prober sits last in the table, so a damaged primary
/// header is still found without six extra reads for every other device.</summary>
public sealed class LuksProber(bool secondary = false) : IFilesystemProber
{
    private static readonly long[] SecondaryOffsets =
        [0x4000, 0x8000, 0x10000, 0x20000, 0x40000, 0x80000, 0x100000, 0x200000, 0x400000];

    public string Name => "crypto_LUKS";
    public ProbeUsage Usage => ProbeUsage.Crypto;

    public bool Probe(ProbeSource src, ProbeResult r)
    {
        if (!secondary)
        {
            var h = src.Read(0, 512);
            return !h.IsEmpty && Matches(h, "LUKS") && Set(h, r);
        }
        foreach (var off in SecondaryOffsets)
        {
            var s = src.Read(off, 512);
            if (s.IsEmpty) break;
            if (Matches(s, "SKUL") && Bytes.Be16(s, 6) == 2 && (long)Bytes.Be64(s, 256) == off) return Set(s, r);
        }
        return false;
    }

    private static bool Matches(ReadOnlySpan<byte> h, string magic) =>
        Bytes.Is(h, 0, magic) && h[4] == 0xba && h[5] == 0xbe;

    private static bool Set(ReadOnlySpan<byte> h, ProbeResult r)
    {
        var version = Bytes.Be16(h, 6);
        if (version is not (1 or 2)) return false;
        r.Set("TYPE", "crypto_LUKS");
        r.Set("VERSION", version.ToString());
        if (version == 2)
        {
            r.SetLabel("LABEL", h.Slice(24, 48));
            r.SetLabel("SUBSYSTEM", h.Slice(208, 48));
        }
        r.SetLabel("UUID", h.Slice(168, 40));
        return true;
    }
}
