using System.Text;
using LiveInit.Devices;
using LiveInit.Devices.Udev;
using LiveInit.Plan;
using LiveInit.Probe;
using Xunit;

namespace LiveInit.Tests;

/// <summary>udev's names from sysfs fixtures laid out as the kernel lays them out under QEMU (the layout and the
/// expected names are the ones the boot test udev_names_by_id checks against systemd-udevd 252).</summary>
public sealed class UdevNamesTests : IDisposable
{
    private readonly string sys = Path.Combine(Path.GetTempPath(), "liveinit-sysfs-" + Guid.NewGuid().ToString("N"));

    public void Dispose() { if (Directory.Exists(sys)) Directory.Delete(sys, true); }

    // a device directory with its subsystem link, DEVTYPE and attributes
    private string Dev(string rel, string? subsystem, string? devtype = null, params (string, object)[] attrs)
    {
        var d = Path.Combine(sys, "devices", rel);
        Directory.CreateDirectory(d);
        if (subsystem is not null)
        {
            var target = Path.Combine(sys, "bus", subsystem);
            Directory.CreateDirectory(target);
            File.CreateSymbolicLink(Path.Combine(d, "subsystem"), target);
        }
        File.WriteAllText(Path.Combine(d, "uevent"), devtype is null ? "" : $"DEVTYPE={devtype}\n");
        foreach (var (k, v) in attrs)
            if (v is byte[] b) File.WriteAllBytes(Path.Combine(d, k), b);
            else File.WriteAllText(Path.Combine(d, k), v + "\n");
        return d;
    }

    private void Class(string cls, string name, string target)
    {
        Directory.CreateDirectory(Path.Combine(sys, "class", cls));
        File.CreateSymbolicLink(Path.Combine(sys, "class", cls, name), target);
    }

    private void Block(string rel, string name, string? partOf = null)
    {
        var d = Dev(rel, "block", partOf is null ? "disk" : "partition",
            partOf is null ? [("dev", "8:0")] : [("dev", "8:1"), ("partition", "1")]);
        Class("block", name, d);
    }

    private static byte[] Page83(params byte[][] designators)
    {
        var body = designators.SelectMany(x => x).ToArray();
        return [0, 0x83, (byte)(body.Length >> 8), (byte)body.Length, .. body];
    }

    private static byte[] Designator(int codeSet, int type, byte[] id) =>
        [(byte)codeSet, (byte)type, 0, (byte)id.Length, .. id];

    private static byte[] Padded(string s, int n) => Encoding.ASCII.GetBytes(s.PadRight(n));

    [Fact]
    public void SataDisksAsAtaIdAndPathId()
    {
        const string pci = "pci0000:00/0000:00:02.0";
        Dev(pci, "pci");
        Dev($"{pci}/ata1", null);
        Dev($"{pci}/ata1/ata_port/ata1", "ata_port", null, ("port_no", "1"));
        Class("ata_port", "ata1", Path.Combine(sys, "devices", pci, "ata1/ata_port/ata1"));
        Dev($"{pci}/ata1/host0", "scsi", "scsi_host");
        Dev($"{pci}/ata1/host0/target0:0:0", "scsi", "scsi_target");
        var libata = Page83(
            Designator(2, 0, Padded("LISATA1", 20)),
            Designator(2, 1, [.. Padded("ATA", 8), .. Padded("QEMU HARDDISK", 40), .. Padded("LISATA1", 20)]),
            Designator(1, 3, [0x50, 0x00, 0xc5, 0x00, 0xa1, 0xb2, 0xc3, 0xd4]));
        Dev($"{pci}/ata1/host0/target0:0:0/0:0:0:0", "scsi", "scsi_device",
            ("vendor", "ATA     "), ("model", "QEMU HARDDISK   "), ("vpd_pg83", libata));
        Block($"{pci}/ata1/host0/target0:0:0/0:0:0:0/block/sda", "sda");
        Block($"{pci}/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1", "sda1", "sda");

        Assert.Equal(["by-id/ata-QEMU_HARDDISK_LISATA1", "by-id/wwn-0x5000c500a1b2c3d4",
                      "by-path/pci-0000:00:02.0-ata-1.0", "by-path/pci-0000:00:02.0-ata-1"],
            UdevNames.Of("sda", sys));
        Assert.Contains("by-id/ata-QEMU_HARDDISK_LISATA1-part1", UdevNames.Of("sda1", sys));
        Assert.Contains("by-path/pci-0000:00:02.0-ata-1-part1", UdevNames.Of("sda1", sys));
    }

    [Fact]
    public void VirtioScsiDiskAsScsiIdAndPathId()
    {
        const string pci = "pci0000:00/0000:00:04.0";
        Dev(pci, "pci");
        Dev($"{pci}/virtio1", "virtio");
        Dev($"{pci}/virtio1/host2", "scsi", "scsi_host");
        Dev($"{pci}/virtio1/host3", "scsi", "scsi_host");     // a second host: the numbers are rebased on host2
        Dev($"{pci}/virtio1/host3/target3:0:1", "scsi", "scsi_target");
        Dev($"{pci}/virtio1/host3/target3:0:1/3:0:1:0", "scsi", "scsi_device",
            ("vendor", "QEMU    "), ("model", "QEMU HARDDISK   "),
            ("vpd_pg83", Page83(Designator(2, 0, Encoding.ASCII.GetBytes("LISCSI1")))));
        Block($"{pci}/virtio1/host3/target3:0:1/3:0:1:0/block/sdb", "sdb");
        Assert.Equal(["by-id/scsi-0QEMU_QEMU_HARDDISK_LISCSI1", "by-path/pci-0000:00:04.0-scsi-1:0:1:0"],
            UdevNames.Of("sdb", sys));
    }

    [Fact]
    public void NvmeAndVirtioBlk()
    {
        Dev("pci0000:00/0000:00:03.0", "pci");
        Dev("pci0000:00/0000:00:03.0/nvme/nvme0", "nvme", null, ("serial", "LINVME1"), ("model", "QEMU NVMe Ctrl"));
        var ns = "pci0000:00/0000:00:03.0/nvme/nvme0/nvme0n1";
        Dev(ns, "block", "disk", ("dev", "259:0"), ("nsid", "1"), ("wwid", "nvme.1b36-4c49-00000001"));
        Class("block", "nvme0n1", Path.Combine(sys, "devices", ns));
        Assert.Equal(["by-id/nvme-nvme.1b36-4c49-00000001", "by-id/nvme-QEMU_NVMe_Ctrl_LINVME1",
                      "by-id/nvme-QEMU_NVMe_Ctrl_LINVME1_1", "by-path/pci-0000:00:03.0-nvme-1"],
            UdevNames.Of("nvme0n1", sys));

        Dev("pci0000:00/0000:00:05.0", "pci");
        Dev("pci0000:00/0000:00:05.0/virtio2", "virtio");
        Dev("pci0000:00/0000:00:05.0/virtio2/block/vda", "block", "disk", ("dev", "254:0"), ("serial", "LIVIRTIO1"));
        Class("block", "vda", Path.Combine(sys, "devices", "pci0000:00/0000:00:05.0/virtio2/block/vda"));
        Assert.Equal(["by-id/virtio-LIVIRTIO1", "by-path/pci-0000:00:05.0", "by-path/virtio-pci-0000:00:05.0"],
            UdevNames.Of("vda", sys));
    }

    [Fact]
    public void VirtualAndUnknownDevicesHaveNoNames()
    {
        Dev("virtual/block/loop0", "block", "disk", ("dev", "7:0"));
        Class("block", "loop0", Path.Combine(sys, "devices", "virtual/block/loop0"));
        Assert.Empty(UdevNames.Of("loop0", sys));
        Assert.Empty(UdevNames.Of("nosuch", sys));
        Assert.Empty(UdevNames.Of("../../etc", sys));
    }

    [Theory]
    [InlineData("  QEMU   HARD\tDISK  ", "QEMU_HARD_DISK")]
    [InlineData("a/b c$d", "a_b_c_d")]
    [InlineData("caf\u00e9 #1", "caf\u00e9_#1")]
    [InlineData("", "")]
    public void WhitespaceAndCharacterRules(string raw, string expected) =>
        Assert.Equal(expected, UdevText.Clean(Encoding.UTF8.GetBytes(raw)));

    [Fact]
    public void ScsiIdPrefersNaaOverVendorSpecificAndFallsBackToPage80()
    {
        var both = Page83(Designator(2, 0, Encoding.ASCII.GetBytes("X")),
            Designator(1, 3, [0x50, 0, 0xc5, 0, 0xde, 0xad, 0xbe, 0xef]));
        var r = ScsiIdentity.From(both, null, "QEMU    ", "QEMU HARDDISK   ")!;
        Assert.Equal(("35000c500deadbeef", "0x5000c500deadbeef"), (r.Serial, r.WwnWithExtension));
        var p80 = new byte[] { 0, 0x80, 0, 3, (byte)'S', (byte)'N', (byte)'1' };
        Assert.Equal("SQEMU    QEMU HARDDISK   SN1",
            ScsiIdentity.From(null, p80, "QEMU    ", "QEMU HARDDISK   ")!.Serial);
        Assert.Null(ScsiIdentity.From([0, 0x83, 0, 200, 1], null, "V", "M"));    // a length past the end
    }

    [Fact]
    public void ByIdAndByPathSpecsMatchComputedNames()
    {
        Assert.True(DeviceSpec.TryParse("/dev/disk/by-id/ata-QEMU_HARDDISK_LISATA1-part1", out var spec, out _));
        Assert.Equal(new DeviceSpec(DeviceSpecKind.UdevLink, "by-id/ata-QEMU_HARDDISK_LISATA1-part1"), spec);
        Assert.False(DeviceSpec.TryParse("/dev/disk/by-id/../../sda", out _, out _));
        var old = DeviceMatcher.UdevLinks;
        try
        {
            DeviceMatcher.UdevLinks = n => n == "sda1" ? ["by-id/ata-QEMU_HARDDISK_LISATA1-part1"] : [];
            var dev = new ProbedDevice(new BlockDevice("sda1", 8, 1, 1 << 20, false, false, 1, "sda", 2048),
                new ProbeResult());
            var other = dev with { Device = dev.Device with { Name = "sdb1" } };
            Assert.Equal([dev], DeviceMatcher.Candidates(spec!, [other, dev]));
        }
        finally { DeviceMatcher.UdevLinks = old; }
    }

    [Theory]
    [InlineData("archisolabel=A archisodevice=/dev/disk/by-path/pci-0000:00:04.0-scsi-0:0:0:0-part1")]
    [InlineData("bdev=/dev/disk/by-path/pci-0000:00:04.0-scsi-0:0:0:0-part1")]
    [InlineData("root=live:/dev/disk/by-path/pci-0000:00:04.0-scsi-0:0:0:0-part1")]
    public void EveryDialectsDeviceParameterTakesUdevLinks(string cmdline)
    {
        var p = LiveInit.Dialects.DialectSelector.Plan(LiveInit.Cmdline.KernelCommandLine.Parse(cmdline));
        Assert.Equal(new DeviceSpec(DeviceSpecKind.UdevLink, "by-path/pci-0000:00:04.0-scsi-0:0:0:0-part1"),
            p.Medium.Device);
    }
}
