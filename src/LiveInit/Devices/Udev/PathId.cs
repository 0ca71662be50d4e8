namespace LiveInit.Devices.Udev;

/// <summary>udev's path_id builtin (ID_PATH, and ID_PATH_ATA_COMPAT for ATA) for a whole disk, from sysfs: walk
/// from the disk up to the root, prepending one element per transport — <c>pci-DOMAIN:BUS:DEV.FN</c> for the
/// nearest PCI device, <c>ata-PORT.TARGET</c> (compat <c>ata-PORT</c>) for libata, <c>scsi-H:B:T:L</c> with the
/// host number counted from the lowest host of the same controller, <c>usb-0:PORT</c>, <c>nvme-NSID</c>,
/// <c>platform-NAME</c>; virtio is a transport without an element. A disk with no known parent (no PCI, USB or
/// platform device above it) or no known transport gets no path, as in udev.</summary>
public static class PathId
{
    public sealed record Result(string Path, string? AtaCompat);

    private const int MaxDepth = 64;

    public static Result? Of(SysfsNode disk)
    {
        if (disk.Path.Contains("/virtual/", StringComparison.Ordinal) && disk.Parent?.Subsystem != "nvme-subsystem")
            return null;
        var path = new List<string>();
        List<string>? compat = null;
        bool parentKnown = false, transportKnown = false;
        var node = disk;
        for (var depth = 0; node is not null && depth < MaxDepth; depth++)
        {
            switch (node.Subsystem)
            {
                case "scsi":
                    if (node.DevType == "scsi_device")
                    {
                        if (node.Path.Contains("/ata", StringComparison.Ordinal))
                            node = Ata(node, path, ref compat);
                        else if (node.Path.Contains("/rport-", StringComparison.Ordinal)
                                 || node.Path.Contains("/end_device-", StringComparison.Ordinal)
                                 || node.Path.Contains("/session", StringComparison.Ordinal)
                                 || node.Path.Contains("/vmbus_", StringComparison.Ordinal)
                                 || node.Path.Contains("/VMBUS", StringComparison.Ordinal))
                            return null;   // fibre channel, SAS, iSCSI, Hyper-V: not computed here
                        else node = ScsiDefault(node, path);
                    }
                    transportKnown = true;
                    break;
                case "usb":
                    node = Usb(node, path);
                    parentKnown = transportKnown = true;
                    break;
                case "pci":
                    Prepend(path, compat, "pci-" + node.Name);
                    node = Skip(node, "pci");
                    parentKnown = true;
                    break;
                case "platform":
                    Prepend(path, compat, "platform-" + node.Name);
                    node = Skip(node, "platform");
                    parentKnown = transportKnown = true;
                    break;
                case "virtio":
                    node = Skip(node, "virtio");
                    transportKnown = true;
                    break;
                case "nvme":
                    if (disk.Attribute("nsid") is { Length: > 0 } nsid)
                    {
                        Prepend(path, compat, "nvme-" + nsid);
                        node = Skip(node, "nvme");
                        parentKnown = transportKnown = true;
                    }
                    break;
                case "nvme-subsystem":
                    if (disk.Attribute("nsid") is { Length: > 0 } ns)
                    {
                        Prepend(path, compat, "nvme-" + ns);
                        node = RealNvmeController(disk);
                        parentKnown = transportKnown = true;
                    }
                    break;
            }
            if (node is null) return null;
            node = node.Parent;
        }
        if (!parentKnown || !transportKnown || path.Count == 0) return null;
        return new Result(string.Join('-', path), compat is null ? null : string.Join('-', compat));
    }

    private static void Prepend(List<string> path, List<string>? compat, string element)
    {
        path.Insert(0, element);
        compat?.Insert(0, element);
    }

    /// <summary>The topmost of a run of parents in the same subsystem.</summary>
    private static SysfsNode Skip(SysfsNode node, string subsystem)
    {
        for (var i = 0; i < MaxDepth && node.Parent is { } up && up.Subsystem == subsystem; i++) node = up;
        return node;
    }

    private static bool HostBusTargetLun(string name, out int[] n)
    {
        n = new int[4];
        var parts = name.Split(':');
        if (parts.Length != 4) return false;
        for (var i = 0; i < 4; i++) if (!int.TryParse(parts[i], out n[i]) || n[i] < 0) return false;
        return true;
    }

    private static SysfsNode? Ata(SysfsNode scsiDevice, List<string> path, ref List<string>? compat)
    {
        if (!HostBusTargetLun(scsiDevice.Name, out var hbtl)) return null;
        var host = scsiDevice.Up("scsi", "scsi_host");
        var port = host?.Parent is { } p ? SysfsNode.OfClass(scsiDevice.Sys, "ata_port", p.Name) : null;
        var portNo = port?.Attribute("port_no");
        if (string.IsNullOrEmpty(portNo)) return null;
        Prepend(path, null, hbtl[1] != 0 ? $"ata-{portNo}.{hbtl[1]}.0" : $"ata-{portNo}.{hbtl[2]}");
        compat ??= [];
        compat.Insert(0, "ata-" + portNo);
        return scsiDevice;
    }

    private static SysfsNode? ScsiDefault(SysfsNode scsiDevice, List<string> path)
    {
        var host = scsiDevice.Up("scsi", "scsi_host");
        if (host is null || !HostBusTargetLun(scsiDevice.Name, out var hbtl)) return null;
        var baseDir = Path.GetDirectoryName(host.Path);
        var lowest = -1;
        try
        {
            foreach (var e in Directory.EnumerateFileSystemEntries(baseDir!, "host*"))
                if (int.TryParse(Path.GetFileName(e)[4..], out var i) && i >= 0 && (lowest < 0 || i < lowest))
                    lowest = i;
        }
        catch (IOException) { return null; }
        if (lowest < 0) return host;
        Prepend(path, null, $"scsi-{hbtl[0] - lowest}:{hbtl[1]}:{hbtl[2]}:{hbtl[3]}");
        return host;
    }

    private static SysfsNode Usb(SysfsNode node, List<string> path)
    {
        if (node.DevType is not ("usb_interface" or "usb_device")) return node;
        var dash = node.Name.IndexOf('-');
        if (dash < 0) return node;
        var top = Skip(node, "usb");
        Prepend(path, null, "usb-0:" + node.Name[(dash + 1)..]);
        return top;
    }

    /// <summary>With native NVMe multipath the namespace sits under /sys/devices/virtual/nvme-subsystem; its
    /// controller nvmeN (the name's prefix) is the one on the PCI bus.</summary>
    private static SysfsNode? RealNvmeController(SysfsNode disk)
    {
        var name = disk.Name;
        if (!name.StartsWith("nvme", StringComparison.Ordinal)) return null;
        var end = 4;
        while (end < name.Length && char.IsAsciiDigit(name[end])) end++;
        return SysfsNode.OfClass(disk.Sys, "nvme", name[..end]);
    }
}
