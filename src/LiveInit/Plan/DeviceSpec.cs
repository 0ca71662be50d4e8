namespace LiveInit.Plan;

/// <summary><see cref="DeviceSpecKind.UdevLink"/>: a <c>/dev/disk/by-id/…</c> or <c>/dev/disk/by-path/…</c> link,
/// matched against the names udev would give the device (computed from sysfs: Devices/Udev/UdevNames); the value
/// is the name below /dev/disk, e.g. <c>by-id/ata-QEMU_HARDDISK_QM00001</c>.</summary>
public enum DeviceSpecKind { Label, Uuid, PartUuid, PartLabel, Path, UdevLink }

/// <summary>How a device is named on the command line: <c>LABEL=</c>, <c>UUID=</c>, <c>PARTUUID=</c>,
/// <c>PARTLABEL=</c>, <c>CDLABEL=</c> (a label), a <c>/dev/…</c> path, or a <c>/dev/disk/by-*/…</c> link
/// (turned into the tag it stands for, since there is no udev in the initramfs to make those links).</summary>
public sealed record DeviceSpec(DeviceSpecKind Kind, string Value)
{
    public static DeviceSpec ByLabel(string label) => new(DeviceSpecKind.Label, label);

    public static bool TryParse(string? text, out DeviceSpec? spec, out string? error)
    {
        spec = null; error = null;
        if (string.IsNullOrEmpty(text)) { error = "empty device name"; return false; }
        var eq = text.IndexOf('=');
        if (eq > 0)
        {
            var tag = text[..eq].ToUpperInvariant();
            var value = Unquote(text[(eq + 1)..]);
            if (value.Length == 0) { error = $"'{text}' names no value after {tag}="; return false; }
            DeviceSpecKind? kind = tag switch
            {
                "LABEL" or "CDLABEL" => DeviceSpecKind.Label,
                "UUID" => DeviceSpecKind.Uuid,
                "PARTUUID" => DeviceSpecKind.PartUuid,
                "PARTLABEL" => DeviceSpecKind.PartLabel,
                _ => null,
            };
            if (kind is null) { error = $"unknown tag '{tag}' (use LABEL=, UUID=, PARTUUID=, PARTLABEL=, CDLABEL= or /dev/...)"; return false; }
            spec = new DeviceSpec(kind.Value, value);
            return true;
        }
        if (!text.StartsWith("/dev/", StringComparison.Ordinal))
        {
            error = $"'{text}' is neither a /dev path nor TAG=value";
            return false;
        }
        foreach (var (prefix, kind) in ByLinks)
            if (text.StartsWith(prefix, StringComparison.Ordinal) && text.Length > prefix.Length)
            {
                spec = new DeviceSpec(kind, DecodeUdevEscapes(text[prefix.Length..]));
                return true;
            }
        if (text.Contains("/../", StringComparison.Ordinal) || text.EndsWith("/..", StringComparison.Ordinal))
        {
            error = $"'{text}' leaves /dev";
            return false;
        }
        foreach (var prefix in (string[])["/dev/disk/by-id/", "/dev/disk/by-path/"])
            if (text.StartsWith(prefix, StringComparison.Ordinal) && text.Length > prefix.Length
                && !text.AsSpan(prefix.Length).Contains('/'))
            {
                spec = new DeviceSpec(DeviceSpecKind.UdevLink, text["/dev/disk/".Length..]);
                return true;
            }
        spec = new DeviceSpec(DeviceSpecKind.Path, text);
        return true;
    }

    private static readonly (string, DeviceSpecKind)[] ByLinks =
    [
        ("/dev/disk/by-label/", DeviceSpecKind.Label),
        ("/dev/disk/by-uuid/", DeviceSpecKind.Uuid),
        ("/dev/disk/by-partuuid/", DeviceSpecKind.PartUuid),
        ("/dev/disk/by-partlabel/", DeviceSpecKind.PartLabel),
    ];

    private static string Unquote(string v) =>
        v.Length >= 2 && ((v[0] == '"' && v[^1] == '"') || (v[0] == '\'' && v[^1] == '\'')) ? v[1..^1] : v;

    /// <summary>udev writes unsafe characters of by-label links as \xNN (e.g. <c>my\x20disk</c>).</summary>
    public static string DecodeUdevEscapes(string s)
    {
        if (!s.Contains("\\x", StringComparison.Ordinal)) return s;
        var bytes = new List<byte>();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 3 < s.Length && s[i + 1] == 'x'
                && byte.TryParse(s.AsSpan(i + 2, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
            {
                bytes.Add(b);
                i += 3;
                continue;
            }
            bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(s.Substring(i, char.IsHighSurrogate(s[i]) && i + 1 < s.Length ? 2 : 1)));
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length) i++;
        }
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    public override string ToString() => Kind switch
    {
        DeviceSpecKind.Label => $"LABEL={Value}",
        DeviceSpecKind.Uuid => $"UUID={Value}",
        DeviceSpecKind.PartUuid => $"PARTUUID={Value}",
        DeviceSpecKind.PartLabel => $"PARTLABEL={Value}",
        DeviceSpecKind.UdevLink => "/dev/disk/" + Value,
        _ => Value,
    };
}
