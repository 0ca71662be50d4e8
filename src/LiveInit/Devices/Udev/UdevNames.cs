using System.Text;

namespace LiveInit.Devices.Udev;

/// <summary>
/// The names udev's 60-persistent-storage.rules give a block device under /dev/disk/by-id and /dev/disk/by-path,
/// computed from sysfs without udev (names relative to /dev/disk, e.g. <c>by-id/ata-QEMU_HARDDISK_QM00001</c>):
/// <list type="bullet">
/// <item>virtio-blk: <c>virtio-SERIAL</c> (the disk's <c>serial</c> attribute)</item>
/// <item>NVMe: <c>nvme-WWID</c>, <c>nvme-MODEL_SERIAL</c> and <c>nvme-MODEL_SERIAL_NSID</c></item>
/// <item>ATA (SCSI vendor "ATA"): <c>ata-MODEL_SERIAL</c> as ata_id (<see cref="AtaIdentity"/>)</item>
/// <item>USB storage: <c>usb-VENDOR_MODEL_SERIAL-TARGET:LUN</c> as usb_id</item>
/// <item>other SCSI: <c>scsi-SERIAL</c> as scsi_id (<see cref="ScsiIdentity"/>)</item>
/// <item>a WWN from ata_id or scsi_id: <c>wwn-0x…</c></item>
/// <item>by-path: ID_PATH (<see cref="PathId"/>), the ATA compat path, <c>virtio-pci-…</c> for virtio-blk</item>
/// </list>
/// A partition gets its disk's names with <c>-partN</c>. Names udev makes from the filesystem (by-label,
/// by-uuid) and the partition table (by-partuuid, by-partlabel) are not here: <see cref="Plan.DeviceSpec"/>
/// turns those into tags.
/// </summary>
public static class UdevNames
{
    public static IReadOnlyList<string> Of(string name, string sys = "/sys")
    {
        var node = SysfsNode.OfBlock(sys, name);
        if (node is null || !Supported(name)) return [];
        var isPartition = node.Attribute("partition") is { Length: > 0 };
        SysfsNode disk = node;
        string suffix = "";
        if (isPartition)
        {
            if (node.Bytes("whole_disk") is not null || node.Parent is not { } parent) return [];
            disk = parent;
            suffix = "-part" + KernelNumber(name);
        }
        var names = new List<string>();
        foreach (var id in ById(disk, name, isPartition)) names.Add("by-id/" + id + suffix);
        if (PathId.Of(disk) is { } p)
        {
            names.Add("by-path/" + p.Path + suffix);
            if (p.AtaCompat is not null) names.Add("by-path/" + p.AtaCompat + suffix);
            if (name.StartsWith("vd", StringComparison.Ordinal) && p.Path.StartsWith("pci-", StringComparison.Ordinal))
                names.Add("by-path/virtio-" + p.Path + suffix);
        }
        return names.Distinct().ToList();
    }

    /// <summary>The kernel names 60-persistent-storage.rules looks at (loop, dm and md have other rules).</summary>
    private static bool Supported(string name) =>
        name.StartsWith("sd", StringComparison.Ordinal) || name.StartsWith("vd", StringComparison.Ordinal)
        || name.StartsWith("nvme", StringComparison.Ordinal) || name.StartsWith("sr", StringComparison.Ordinal)
        || name.StartsWith("xvd", StringComparison.Ordinal) || name.StartsWith("mmcblk", StringComparison.Ordinal);

    /// <summary>%n: the trailing digits of the kernel name.</summary>
    private static string KernelNumber(string name)
    {
        var i = name.Length;
        while (i > 0 && char.IsAsciiDigit(name[i - 1])) i--;
        return name[i..];
    }

    private static IEnumerable<string> ById(SysfsNode disk, string name, bool isPartition)
    {
        if (name.StartsWith("vd", StringComparison.Ordinal))
        {
            if (Attr(disk.Find("serial")?.Value) is { Length: > 0 } virtioSerial)
                foreach (var s in SplitLinks("virtio-" + virtioSerial)) yield return s;
            yield break;
        }
        if (name.StartsWith("nvme", StringComparison.Ordinal))
        {
            foreach (var s in Nvme(disk)) yield return s;
            yield break;
        }
        if (name.StartsWith("mmcblk", StringComparison.Ordinal))
        {
            if (disk.Up("mmc") is { } mmc && Attr(mmc.Attribute("serial")) is { Length: > 0 } ser
                && Attr(mmc.Attribute("name")) is { Length: > 0 } nm)
                foreach (var s in SplitLinks($"mmc-{nm}_{ser}")) yield return s;
            yield break;
        }
        if (!name.StartsWith("sd", StringComparison.Ordinal) && !name.StartsWith("sr", StringComparison.Ordinal))
            yield break;
        if (isPartition && name.StartsWith("sr", StringComparison.Ordinal)) yield break;
        var scsi = disk.Up("scsi", "scsi_device");
        if (scsi is null) yield break;
        var vendor = scsi.Attribute("vendor") ?? "";
        var model = scsi.Attribute("model") ?? "";
        var onUsb = disk.Up("usb") is not null;
        string? bus = null, serial = null, wwn = null, usbSerial = null;
        if (vendor.TrimEnd() == "ATA" && AtaIdentity.FromVpd83(scsi.Bytes("vpd_pg83")) is { } ata)
        { bus = "ata"; serial = ata.Serial; wwn = ata.Wwn; }
        if (onUsb) usbSerial = UsbSerial(disk, scsi, vendor, model);
        if (serial is null && usbSerial is not null) { bus = "usb"; serial = usbSerial; }
        if (serial is null
            && ScsiIdentity.From(scsi.Bytes("vpd_pg83"), scsi.Bytes("vpd_pg80"), vendor, model) is { } id)
        {
            bus = "scsi";
            serial = UdevText.CleanLatin(id.Serial);
            wwn = id.WwnWithExtension;
        }
        if (serial is { Length: > 0 }) yield return $"{bus}-{serial}";
        if (usbSerial is { Length: > 0 }) yield return "usb-" + usbSerial;
        if (wwn is not null) yield return "wwn-" + wwn;
    }

    private static IEnumerable<string> Nvme(SysfsNode disk)
    {
        if (Attr(disk.Attribute("wwid")) is { Length: > 0 } wwid)
            foreach (var s in SplitLinks("nvme-" + wwid)) yield return s;
        var serial = Attr(disk.Find("serial")?.Value);
        var model = Attr(disk.Find("model")?.Value);
        var nsid = Attr(disk.Find("nsid")?.Value);
        if (string.IsNullOrEmpty(model) || string.IsNullOrEmpty(serial)) yield break;
        // OPTIONS="string_escape=replace": whitespace in the link becomes '_'
        yield return UdevText.ReplaceChars($"nvme-{model}_{serial}", "/");
        if (!string.IsNullOrEmpty(nsid)) yield return UdevText.ReplaceChars($"nvme-{model}_{serial}_{nsid}", "/");
    }

    /// <summary>usb_id for a mass-storage disk: SCSI vendor and model, the USB device's serial, target:lun.</summary>
    private static string? UsbSerial(SysfsNode disk, SysfsNode scsi, string vendor, string model)
    {
        var iface = disk.Up("usb", "usb_interface");
        var device = iface?.Parent is { } p && p.Subsystem == "usb" ? p : null;
        if (iface is null || device is null) return null;
        string v, m;
        if (iface.Attribute("bInterfaceClass") == "08")
        {
            v = UdevText.CleanLatin(vendor);
            m = UdevText.CleanLatin(model);
        }
        else
        {
            v = UdevText.CleanLatin(device.Attribute("manufacturer") ?? device.Attribute("idVendor") ?? "");
            m = UdevText.CleanLatin(device.Attribute("product") ?? device.Attribute("idProduct") ?? "");
        }
        var serialRaw = device.Attribute("serial") ?? "";
        // usb_id ignores a serial with control characters, non-ASCII bytes or commas
        var serial = LiveInit.Text.Chars.Any(serialRaw, c => c < 0x20 || c > 0x7e || c == ',') ? "" : UdevText.CleanLatin(serialRaw);
        var s = new StringBuilder(v).Append('_').Append(m);
        if (serial.Length > 0) s.Append('_').Append(serial);
        var parts = scsi.Name.Split(':');
        if (parts.Length == 4) s.Append('-').Append(parts[2]).Append(':').Append(parts[3]);
        return s.ToString();
    }

    /// <summary>udev's $attr{}: trailing whitespace removed, characters outside the allowed input set made
    /// '_'.</summary>
    private static string? Attr(string? v) => v is null ? null : UdevText.ReplaceChars(v.TrimEnd(), "/ $%?,");

    /// <summary>A SYMLINK value is a space-separated list; unsafe characters are replaced first.</summary>
    private static IEnumerable<string> SplitLinks(string value) =>
        UdevText.ReplaceChars(value, "/ ").Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
