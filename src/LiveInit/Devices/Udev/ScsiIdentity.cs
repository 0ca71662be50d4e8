namespace LiveInit.Devices.Udev;

/// <summary>The serial and WWN udev's scsi_id derives from a SCSI device's identification VPD page (0x83), or its
/// unit serial number page (0x80) when 0x83 has nothing usable: the kernel keeps both pages in sysfs
/// (<c>vpd_pg83</c>, <c>vpd_pg80</c>), so no SG_IO is needed. Designators are taken in scsi_id's priority order
/// (NAA IEEE registered extended, NAA IEEE registered, other NAA, EUI-64, T10 vendor id, vendor specific; binary
/// before ASCII), with the designator type as the first character, the vendor and model prepended for a vendor
/// specific one, and 'S' + vendor + model + serial for page 0x80. Pure: bytes in, strings out.</summary>
public static class ScsiIdentity
{
    public sealed record Result(string Serial, string? Wwn, string? WwnWithExtension);

    private const int VendorSpecific = 0, T10Vendor = 1, Eui64 = 2, Naa = 3;
    private const int Binary = 1, Ascii = 2, DontCare = -1, NaaIeeeReg = 5, NaaIeeeRegExtended = 6;
    private const int MaxSerial = 256;

    private static readonly (int Type, int NaaType, int CodeSet)[] SearchOrder =
    [
        (Naa, NaaIeeeRegExtended, Binary), (Naa, NaaIeeeRegExtended, Ascii),
        (Naa, NaaIeeeReg, Binary), (Naa, NaaIeeeReg, Ascii),
        (Naa, DontCare, Binary), (Naa, DontCare, Ascii),
        (Eui64, DontCare, Binary), (Eui64, DontCare, Ascii),
        (T10Vendor, DontCare, Binary), (T10Vendor, DontCare, Ascii),
        (VendorSpecific, DontCare, Binary), (VendorSpecific, DontCare, Ascii),
    ];

    /// <summary>The raw serial (before udev's whitespace rules) and WWN, or null when neither page yields one.
    /// <paramref name="vendor"/> and <paramref name="model"/> are the standard inquiry's 8 and 16 bytes.</summary>
    public static Result? From(byte[]? page83, byte[]? page80, string vendor, string model)
    {
        if (page83 is { Length: >= 4 } p && p[1] == 0x83)
        {
            if (p.Length > 6 && p[6] != 0) return PreSpc3(p);
            foreach (var want in SearchOrder)
                for (var j = 4; j <= p[3] + 3 && j + 4 <= p.Length; j += p[j + 3] + 4)
                    if (Fill(p.AsSpan(j), want, vendor, model) is { } r) return r;
        }
        if (page80 is { Length: >= 4 } s && s[1] == 0x80 && vendor.Length == 8 && model.Length == 16)
        {
            var n = Math.Min((int)s[3], s.Length - 4);
            return new Result("S" + vendor + model + Latin(s.AsSpan(4, n)), null, null);
        }
        return null;
    }

    private static Result? Fill(ReadOnlySpan<byte> d, (int Type, int NaaType, int CodeSet) want, string vendor,
        string model)
    {
        if ((d[1] & 0x30) != 0) return null;                       // associated with the device only
        if ((d[1] & 0x0f) != want.Type) return null;
        if (want.NaaType != DontCare && (d.Length < 5 || want.NaaType != (d[4] & 0xf0) >> 4)) return null;
        if ((d[0] & 0x0f) != want.CodeSet) return null;
        int idLen = d[3];
        if (4 + idLen > d.Length) return null;
        var need = (want.CodeSet == Ascii ? idLen : idLen * 2) + 2 + (want.Type == VendorSpecific ? 24 : 0);
        if (need > MaxSerial) return null;
        var id = d.Slice(4, idLen);
        var prefix = "0123456789abcdef"[want.Type].ToString();
        if (want.Type == VendorSpecific)
        {
            if (vendor.Length != 8 || model.Length != 16) return null;
            prefix += vendor + model;
        }
        var text = want.CodeSet == Ascii ? Latin(id) : Convert.ToHexStringLower(id);
        if (want.Type != Naa) return new Result(prefix + text, null, null);
        var wwn = text.Length > 16 ? text[..16] : text;
        var ext = text.Length > 16 ? text[16..Math.Min(32, text.Length)] : "";
        return new Result(prefix + text, "0x" + wwn, "0x" + wwn + ext);
    }

    /// <summary>SCSI-2 style page 0x83 (EMC Symmetrix): the whole page after the header as one binary NAA.</summary>
    private static Result PreSpc3(byte[] p)
    {
        var n = Math.Min((int)p[3], p.Length - 4);
        n = Math.Min(n, (MaxSerial - 4) / 2);
        return new Result("3" + Convert.ToHexStringLower(p.AsSpan(4, n)), null, null);
    }

    /// <summary>Bytes as they are (each byte one char), as scsi_id copies them into its C string; a NUL ends
    /// it.</summary>
    internal static string Latin(ReadOnlySpan<byte> b)
    {
        var nul = b.IndexOf((byte)0);
        if (nul >= 0) b = b[..nul];
        return System.Text.Encoding.Latin1.GetString(b);
    }
}
