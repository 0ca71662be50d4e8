using LiveInit.Boot.Writable;
using LiveInit.Devices;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.AutoOverlay;

/// <summary>
/// dracut's autooverlay at boot: when the overlay device <c>LABEL=x</c> is not there once the devices settled, a
/// partition is added to the medium's own disk (<see cref="DosAutoPartition"/>, <see cref="GptAutoPartition"/>),
/// the kernel told with BLKPG_ADD_PARTITION, and the partition formatted by the bundled mke2fs (a child process with
/// a time limit). Every refusal is one warning naming the reason, ending in RAM, with the disk as it was; a failure
/// after the table was written puts the old table bytes back.
/// </summary>
internal static class AutoOverlayCreator
{
    private const string Why = "autooverlay (rd.overlay=LABEL=…)";
    private const int MkfsSeconds = 180, NodeSeconds = 10;

    /// <summary>True when the device exists, was just made, or is only to be waited for (no mkfs in the image);
    /// false after a warning (changes go to RAM).</summary>
    public static bool Ensure(BootContext ctx, AutoOverlayPlan plan, DeviceSpec spec)
    {
        var reg = ctx.RequireDevices();
        if (DeviceMatcher.Candidates(spec, reg.All).Any()) return true;
        if (!File.Exists(plan.Mkfs))
        {
            // an image made without --autooverlay: the device is waited for as any other (rd.retry), then RAM
            ctx.Log.Info($"{Why}: this initramfs has no {plan.Mkfs} (liveinit mkinitramfs --autooverlay): "
                         + $"LABEL={plan.Label} is only waited for, never made");
            return true;
        }
        reg.Settle(quietMs: 1000, maxMs: 5000);
        if (DeviceMatcher.Candidates(spec, reg.All).Any()) return true;
        var why = Check(ctx, plan, out var medium, out var disk);
        if (why is not null) return Refuse(ctx, plan, why);
        ctx.Log.Notice($"{Why}: LABEL={plan.Label} does not exist; making it after {medium!.DevPath} "
                       + $"on {disk!.DevPath}");
        try { return Create(ctx, plan, medium, disk); }
        catch (Exception e)
        {
            ctx.Log.Warn($"{Why}: LABEL={plan.Label} is not made: {Probe.ExceptionNames.Of(e)}: {e.Message}; "
                         + $"check {disk.DevPath} with fdisk; {WritableStrategy.RamOnly}");
            return false;
        }
    }

    /// <summary>A random (version 4) GUID for a new GPT entry, from /dev/urandom: the runtime's Guid.NewGuid needs a
    /// crypto library the static agent does not have.</summary>
    private static Guid RandomGuid()
    {
        var b = new byte[16];
        using (var fd = Libc.Open("/dev/urandom", Libc.O_RDONLY))
            if (Libc.Read(fd, b, "/dev/urandom") != b.Length) throw new IOException("/dev/urandom: short read");
        b[7] = (byte)((b[7] & 0x0F) | 0x40);   // Guid's byte order: the version is in the high nibble of byte 7
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return new Guid(b);
    }

    /// <summary>What rules the medium out before its disk is even opened (null: none).</summary>
    private static string? Check(BootContext ctx, AutoOverlayPlan plan, out BlockDevice? medium, out BlockDevice? disk)
    {
        medium = ctx.Medium?.Device;
        disk = null;
        if (medium is null) return "no boot medium was found";
        if (!medium.IsPartition || medium.Parent is null)
            return $"the medium {medium.DevPath} is a whole disk, not a partition";
        if (medium.ReadOnly) return $"the medium {medium.DevPath} is read-only";
        if (ctx.Medium!.Type is "iso9660" or "udf" or "squashfs" or "erofs")
            return $"the medium holds {ctx.Medium.Type}, a read-only filesystem (an ISO written to a disk)";
        var parentName = medium.Parent;
        disk = SysfsBlock.Read("/sys", parentName);
        if (disk is null || disk.IsPartition) return $"the disk of {medium.DevPath} ({parentName}) is not in sysfs";
        if (disk.ReadOnly) return $"{disk.DevPath} is read-only";
        var lbs = File.Exists($"/sys/block/{parentName}/queue/logical_block_size")
            ? File.ReadAllText($"/sys/block/{parentName}/queue/logical_block_size").Trim() : "?";
        if (lbs != "512") return $"{disk.DevPath} has {lbs}-byte logical sectors (only 512 is handled)";
        return null;
    }

    private static bool Refuse(BootContext ctx, AutoOverlayPlan plan, string why)
    {
        ctx.Log.Warn($"{Why}: LABEL={plan.Label} is not made: {why}; no disk was written; {WritableStrategy.RamOnly}");
        return false;
    }

    private static bool Create(BootContext ctx, AutoOverlayPlan plan, BlockDevice medium, BlockDevice disk)
    {
        var kernelParts = SysfsBlock.Enumerate().Where(b => b.IsPartition && b.Parent == disk.Name)
            .Select(b => b.PartitionNumber).ToList();
        SafeFd fd;
        try { fd = Libc.Open(disk.DevPath, Libc.O_RDWR); }
        catch (NativeException e) { return Refuse(ctx, plan, e.Message); }
        using (fd)
        {
            var sectors = disk.SizeBytes / 512;
            var window = (int)Math.Min(DosAutoPartition.HeadBytes, disk.SizeBytes);
            var head = new byte[window];
            var tail = new byte[window];
            AutoPartitionPlan p;
            IReadOnlyList<(long Offset, byte[] Bytes)> writes;
            var undo = new List<(long Offset, byte[] Bytes)>();
            try
            {
                if (Libc.PRead(fd, head, 0, disk.DevPath) != head.Length
                    || Libc.PRead(fd, tail, disk.SizeBytes - window, disk.DevPath) != tail.Length)
                    return Refuse(ctx, plan, $"{disk.DevPath}: short read");
                var gpt = GptAutoPartition.IsGpt(head);
                p = gpt
                    ? GptAutoPartition.Plan(head, tail, sectors, medium.PartitionNumber, medium.StartSector,
                        medium.SizeBytes / 512, kernelParts)
                    : DosAutoPartition.Plan(head, sectors, medium.PartitionNumber, medium.StartSector,
                        medium.SizeBytes / 512, kernelParts);
                if (p.Refused) return Refuse(ctx, plan, $"{disk.DevPath}: {p.Refusal}");
                writes = gpt
                    ? GptAutoPartition.Writes(head, tail, sectors, p, RandomGuid(), plan.Label)
                    : [(0, DosAutoPartition.WithEntry(head, p))];
                foreach (var (offset, bytes) in writes)
                {
                    var old = new byte[bytes.Length];
                    if (Libc.PRead(fd, old, offset, disk.DevPath) != old.Length) throw new IOException("short read");
                    undo.Insert(0, (offset, old));
                    if (Libc.PWrite(fd, bytes, offset, disk.DevPath) != bytes.Length)
                        throw new IOException("short write");
                    Libc.Fsync(fd, disk.DevPath);
                    var back = new byte[bytes.Length];
                    if (Libc.PRead(fd, back, offset, disk.DevPath) != back.Length
                        || !back.AsSpan().SequenceEqual(bytes))
                        throw new IOException($"the bytes at {offset} read back differently");
                }
            }
            catch (Exception e)   // whatever goes wrong while writing the table: put back what was written
            {
                return undo.Count == 0 ? Refuse(ctx, plan, e.Message) : Undo(ctx, plan, fd, disk, undo, e.Message);
            }
            ctx.Log.Notice($"{Why}: wrote {(writes.Count == 1 ? "dos" : "GPT")} entry {p.Number} of {disk.DevPath}: "
                           + $"sectors {p.StartSector}+{p.Sectors} ({p.Sectors / 2048} MiB), Linux data");
            try { Libc.AddPartition(fd, p.Number, p.StartSector * 512, p.Sectors * 512, disk.DevPath); }
            catch (NativeException e) { return Undo(ctx, plan, fd, disk, undo, e.Message); }
            var part = ctx.RequireDevices().WaitFor((all, _) => all.FirstOrDefault(
                    d => d.Device.Parent == disk.Name && d.Device.PartitionNumber == p.Number), NodeSeconds,
                $"partition {p.Number} of {disk.DevPath}", ctx.Log.Notice);
            if (part is null)
                return Undo(ctx, plan, fd, disk, undo, $"partition {p.Number} did not appear within {NodeSeconds} s",
                    number: p.Number);
            var err = Mkfs(ctx, plan, part.Device.DevPath);
            if (err is not null)
                return Undo(ctx, plan, fd, disk, undo, err, part.Device.Name, p.Number);
            ctx.RequireDevices().Forget(part.Device.Name);   // probed blank before mkfs: probe it again
            ctx.Log.Notice($"{Why}: {part.Device.DevPath} is {plan.Filesystem} LABEL={plan.Label}");
            return true;
        }
    }

    /// <summary>Runs mkfs as a child with a time limit; null when it succeeded, else what went wrong.</summary>
    private static string? Mkfs(BootContext ctx, AutoOverlayPlan plan, string devPath)
    {
        string[] args = ["-q", "-F", "-t", plan.Filesystem, "-L", plan.Label, devPath];
        ctx.Log.Notice($"{Why}: {plan.Mkfs} {string.Join(' ', args)} (at most {MkfsSeconds} s)");
        var r = ChildTool.Run(plan.Mkfs, args, MkfsSeconds);
        return r.Ok ? null : r.Why;
    }

    /// <summary>Puts the old table bytes back, last write first (and removes the kernel's partition when it was
    /// added).</summary>
    private static bool Undo(BootContext ctx, AutoOverlayPlan plan, SafeFd fd, BlockDevice disk,
        IReadOnlyList<(long Offset, byte[] Bytes)> undo, string why, string? partName = null, int number = 0)
    {
        try
        {
            if (number > 0)
            {
                try { Libc.DeletePartition(fd, number, disk.DevPath); }
                catch (NativeException e) { ctx.Log.Warn($"{Why}: {e.Message}"); }
            }
            foreach (var (offset, bytes) in undo)
                if (Libc.PWrite(fd, bytes, offset, disk.DevPath) != bytes.Length) throw new IOException("short write");
            Libc.Fsync(fd, disk.DevPath);
            if (partName is not null) ctx.RequireDevices().Forget(partName);
            ctx.Log.Warn($"{Why}: LABEL={plan.Label} is not made: {why}; the old partition table of {disk.DevPath} "
                         + $"was put back; {WritableStrategy.RamOnly}");
        }
        catch (Exception e) when (e is NativeException or IOException)
        {
            ctx.Log.Warn($"{Why}: LABEL={plan.Label} is not made: {why}; putting the old partition table of "
                         + $"{disk.DevPath} back failed too ({e.Message}): check it with fdisk; "
                         + WritableStrategy.RamOnly);
        }
        return false;
    }
}
