namespace LiveInit.Devices.Udev;

/// <summary>What udev's ata_id exports for an ATA disk (model, serial, WWN), read from what libata's SCSI
/// translation already put in sysfs: the SAT "ATA" T10 vendor designator of VPD page 0x83 holds the IDENTIFY
/// DEVICE model (40 bytes) and serial (20 bytes) exactly as ata_id reads them, and the NAA designator holds
/// words 108-111 (the WWN). ID_SERIAL is model_serial (or the model alone), each after udev's whitespace and
/// character rules.</summary>
public static class AtaIdentity
{
    public sealed record Result(string Serial, string? Wwn);

    public static Result? FromVpd83(byte[]? p)
    {
        if (p is not { Length: >= 4 } || p[1] != 0x83) return null;
        string? model = null, serial = null, wwn = null;
        for (var j = 4; j <= p[3] + 3 && j + 4 <= p.Length; j += p[j + 3] + 4)
        {
            var len = p[j + 3];
            if (j + 4 + len > p.Length) break;
            var id = p.AsSpan(j + 4, len);
            var type = p[j + 1] & 0x0f;
            var codeSet = p[j] & 0x0f;
            if (type == 1 && codeSet == 2 && len >= 68 && id[..8].SequenceEqual("ATA     "u8))
            {
                model = Clean(id.Slice(8, 40));
                serial = Clean(id.Slice(48, 20));
            }
            else if (type == 3 && codeSet == 1 && len == 8 && (id[0] & 0xf0) == 0x50)
                wwn = "0x" + Convert.ToHexStringLower(id).TrimStart('0');
        }
        if (model is null) return null;
        return new Result(serial!.Length > 0 ? $"{model}_{serial}" : model, wwn);
    }

    private static string Clean(ReadOnlySpan<byte> raw) => UdevText.Clean(raw);
}
