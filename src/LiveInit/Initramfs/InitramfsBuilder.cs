namespace LiveInit.Initramfs;

/// <summary>Builds the initramfs: /init (the agent), busybox with an sh link for the emergency shell,
/// the live-boot modules with their dependencies and trimmed index files, and, when an emergency policy is
/// given, /etc/liveinit/initramfs.conf (<see cref="Plan.InitramfsDefaults"/>), and host programs with their
/// libraries (mke2fs for an autooverlay). Same inputs, same bytes.</summary>
public static class InitramfsBuilder
{
    /// <summary>What a live medium needs: storage drivers (virtio, SATA/IDE, NVMe, USB, MMC, SCSI disk and
    /// CD), loop, squashfs/erofs, overlayfs, device-mapper snapshot, the media filesystems and charsets.</summary>
    public static readonly string[] DefaultModules =
    [
        "virtio_pci", "virtio_blk", "virtio_scsi", "sd_mod", "sr_mod", "ahci", "ata_piix", "ata_generic", "nvme",
        "usb_storage", "uas", "xhci_pci", "ehci_pci", "ohci_pci", "uhci_hcd", "usbhid", "hid_generic", "mmc_block",
        "sdhci_pci", "sdhci_acpi", "loop", "squashfs", "erofs", "overlay", "dm_mod", "dm_snapshot", "ext4", "vfat",
        "isofs", "udf", "exfat", "ntfs3", "nls_cp437", "nls_ascii", "nls_utf8", "nls_iso8859_1", "crc32c_generic", "crc32c_intel",
    ];

    /// <summary>NIC drivers for network boots (<c>mkinitramfs --net</c>): QEMU's e1000 and virtio-net, and the
    /// common wired server and desktop chips. Coldplug loads the one the hardware needs.</summary>
    public static readonly string[] NetModules =
    [
        "virtio_net", "e1000", "e1000e", "igb", "igc", "ixgbe", "i40e", "r8169", "tg3", "bnx2", "bnxt_en", "8139cp",
        "8139too", "pcnet32", "ne2k_pci", "vmxnet3", "hv_netvsc", "atlantic", "be2net", "mlx4_en", "mlx5_core",
    ];

    /// <summary>The mark of an image made with <c>--net</c>: the NIC drivers it carries, one per line.</summary>
    public const string NetMarkPath = "etc/liveinit/net-drivers";

    public static readonly string[] BusyboxApplets =
        ["sh", "ls", "cat", "mount", "umount", "mkdir", "dmesg", "reboot", "poweroff", "ps", "cp", "mv", "rm", "vi", "losetup", "blkid", "sync"];

    public sealed record Result(long Bytes, int Files, int Modules, IReadOnlyList<string> Missing);

    /// <summary>Keys to bake into etc/liveinit/trusted-keys (canonical PEM of the public key only) and the
    /// policy for unsigned files (etc/liveinit/verify.conf), see <see cref="Verify.TrustStore"/>.</summary>
    public sealed record Trust(IReadOnlyList<(string Name, Verify.PublicKey Key)> Keys, bool AllowUnsigned);

    /// <param name="compressModules">"xz" stores modules as .ko.xz (as kbuild compresses them), for kernels and
    /// initramfs generators that expect that; null stores them uncompressed.</param>
    /// <param name="emergency">the image's emergency policy (mkinitramfs --emergency); null writes no config.</param>
    /// <param name="compression">how the archive is compressed (<see cref="ArchiveCompression"/>): gzip, zstd,
    /// lz4, xz or none.</param>
    /// <param name="agentEarly">the agent in a first, uncompressed archive (the kernel copies it without
    /// decompressing), the rest in a second, compressed one.</param>
    public static Result Build(string agent, ModuleSet modules, string kernelRelease, IEnumerable<string> wanted, string? busybox, Stream output,
        string? compressModules = null, Plan.FailureAction? emergency = null, bool net = false, Trust? trust = null,
        byte[]? caBundle = null, IReadOnlyList<(string ImagePath, string HostPath)>? hostFiles = null,
        string compression = "gzip", bool agentEarly = false)
    {
        var suffix = compressModules is null ? "" : "." + compressModules;
        var set = modules.Closure(wanted, out var missing);
        var entries = new SortedDictionary<string, Action<CpioWriter>>(StringComparer.Ordinal);
        void Dir(string p) => entries[p] = w => w.Directory(p);
        foreach (var d in new[] { "bin", "dev", "proc", "sys", "run", "sysroot", "tmp", "lib", "lib/modules", $"lib/modules/{kernelRelease}" }) Dir(d);
        entries["dev/console"] = w => w.CharDevice("dev/console", 5, 1, 0x180);
        entries["dev/null"] = w => w.CharDevice("dev/null", 1, 3, 0x1B6);
        if (emergency is { } policy)
        {
            Dir("etc");
            Dir("etc/liveinit");
            var conf = System.Text.Encoding.UTF8.GetBytes(Plan.InitramfsDefaults.Render(policy));
            entries["etc/liveinit/initramfs.conf"] = w => w.File("etc/liveinit/initramfs.conf", conf);
        }
        if (trust is { Keys.Count: > 0 })
        {
            Dir("etc");
            Dir("etc/liveinit");
            Dir("etc/liveinit/trusted-keys");
            foreach (var (name, key) in trust.Keys)
            {
                var path = $"etc/liveinit/trusted-keys/{name}";
                var pem = System.Text.Encoding.ASCII.GetBytes(Verify.KeyFile.ToPem(key));
                entries[path] = w => w.File(path, pem);
            }
            var conf = System.Text.Encoding.UTF8.GetBytes(Verify.TrustStore.RenderConfig(trust.AllowUnsigned));
            entries["etc/liveinit/verify.conf"] = w => w.File("etc/liveinit/verify.conf", conf);
        }
        if (net)
        {
            Dir("etc");
            Dir("etc/liveinit");
            var present = NetModules.Where(set.Contains);
            var mark = System.Text.Encoding.UTF8.GetBytes("# liveinit mkinitramfs --net: NIC drivers in this image\n"
                + string.Concat(present.Select(m => m + "\n")));
            entries[NetMarkPath] = w => w.File(NetMarkPath, mark);
        }
        if (caBundle is not null)   // mkinitramfs --tls: what the TLS agent verifies servers against
        {
            foreach (var d in new[] { "etc", "etc/ssl", "etc/ssl/certs" }) Dir(d);
            entries["etc/ssl/certs/ca-certificates.crt"] = w => w.File("etc/ssl/certs/ca-certificates.crt", caBundle);
        }
        var agentBytes = File.ReadAllBytes(agent);
        entries["init"] = w => w.File("init", agentBytes, 0x1ED);
        if (busybox is not null)
        {
            var bb = File.ReadAllBytes(busybox);
            entries["bin/busybox"] = w => w.File("bin/busybox", bb, 0x1ED);
            foreach (var a in BusyboxApplets) entries[$"bin/{a}"] = w => w.Symlink($"bin/{a}", "busybox");
        }
        foreach (var (imagePath, hostPath) in hostFiles ?? [])
        {
            var parts = imagePath.Split('/');
            for (var i = 1; i < parts.Length; i++) Dir(string.Join('/', parts[..i]));
            var bytes = File.ReadAllBytes(hostPath);
            entries[imagePath] = w => w.File(imagePath, bytes, 0x1ED);
        }
        var modRoot = $"lib/modules/{kernelRelease}";
        foreach (var m in set)
        {
            var rel = modules.Index.PathByName[m];
            var stored = ModuleSet.StoredPath(rel, suffix);
            var parts = stored.Split('/');
            for (var i = 1; i < parts.Length; i++) Dir($"{modRoot}/{string.Join('/', parts[..i])}");
            var path = $"{modRoot}/{stored}";
            var bytes = modules.ReadModule(rel);
            if (compressModules == "xz") bytes = XzCompress(bytes);
            entries[path] = w => w.File(path, bytes);
        }
        foreach (var (name, text) in modules.IndexFiles(set, suffix))
        {
            var path = $"{modRoot}/{name}";
            entries[path] = w => w.File(path, System.Text.Encoding.UTF8.GetBytes(text));
        }
        using var counting = new CountingStream(output);
        if (agentEarly)
        {
            var init = entries["init"];
            entries.Remove("init");
            var early = new CpioWriter(counting);
            init(early);
            early.Trailer();
        }
        using (var archive = new MemoryStream())
        {
            var cpio = new CpioWriter(archive);
            foreach (var e in entries.Values) e(cpio);
            cpio.Trailer();
            ArchiveCompression.Write(compression, archive.ToArray(), counting);
        }
        return new Result(counting.Count, entries.Count + (agentEarly ? 1 : 0), set.Count, missing);
    }

    /// <summary>xz as kbuild compresses modules.</summary>
    private static byte[] XzCompress(byte[] data) => HostTool.Run("xz", ["--check=crc32", "--lzma2=dict=1MiB", "-c"], stdin: data);

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Count { get; private set; }
        public override void Write(byte[] buffer, int offset, int count) { inner.Write(buffer, offset, count); Count += count; }
        public override void Write(ReadOnlySpan<byte> buffer) { inner.Write(buffer); Count += buffer.Length; }
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Count;
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
