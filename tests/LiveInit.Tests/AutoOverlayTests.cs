using System.Runtime.InteropServices;
using LiveInit.Boot.AutoOverlay;
using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Initramfs;
using LiveInit.Native;
using LiveInit.Plan;
using Xunit;

namespace LiveInit.Tests;

/// <summary>dracut's autooverlay: the dos planning on disk images made by sfdisk (the free space found, every
/// refusal), the entry written read back by sfdisk, the BLKPG structs against the C headers, the plan.</summary>
public sealed class AutoOverlayTests
{
    private const long MiB = 2048;

    /// <summary>A sparse disk image of <paramref name="mib"/> MiB partitioned by sfdisk from <paramref name="script"/>;
    /// returns its first 64 KiB.</summary>
    private static (string Path, byte[] Head) Disk(string name, int mib, string script)
    {
        var path = Path.Combine(Repo.TempDir("autooverlay"), name + ".img");
        File.Delete(path);
        using (var f = File.Create(path)) f.SetLength(mib * 1024L * 1024);
        var psi = new System.Diagnostics.ProcessStartInfo("sfdisk", ["-q", path])
            { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        using (var p = System.Diagnostics.Process.Start(psi)!)
        {
            p.StandardInput.Write(script);
            p.StandardInput.Close();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        }
        return (path, Head(path));
    }

    private static byte[] Head(string path)
    {
        using var f = File.OpenRead(path);
        var b = new byte[DosAutoPartition.HeadBytes];
        f.ReadExactly(b);
        return b;
    }

    private const string Test30 = "label: dos\nlabel-id: 0x0a0a0001\n2048,40960,83\n";

    private static AutoPartitionPlan PlanOf(byte[] head, int mib, int number = 1, long start = 2048,
        long sectors = 40960, int[]? kernel = null) =>
        DosAutoPartition.Plan(head, mib * MiB, number, start, sectors, kernel ?? [number]);

    [Fact]
    public void Test30LayoutGetsSlotTwoFromTheFirstMiBAfterTheMediumToTheDiskEnd()
    {
        var (path, head) = Disk("t30", 85, Test30);
        var p = PlanOf(head, 85);
        Assert.False(p.Refused, p.Refusal);
        Assert.Equal((1, 2, 43008L, 131072L), (p.Slot, p.Number, p.StartSector, p.Sectors));
        // the entry as written, read back by sfdisk: a type 83 partition 2 where the plan put it, partition 1 as it was
        var updated = DosAutoPartition.WithEntry(head, p);
        Assert.Equal(head[..446], updated[..446]);
        Assert.Equal(head[446..462], updated[446..462]);
        Assert.Equal(head[478..512], updated[478..512]);
        using (var f = File.OpenWrite(path)) f.Write(updated);
        var dump = Repo.Run("sfdisk", "-d", path).Out;
        Assert.Contains($"{path}1 : start=        2048, size=       40960, type=83", dump);
        Assert.Contains($"{path}2 : start=       43008, size=      131072, type=83", dump);
        Assert.Contains("label-id: 0x0a0a0001", dump);
        // planned again on the result: the free space is gone
        Assert.Contains("no free", PlanOf(Head(path), 85, kernel: [1, 2]).Refusal);
    }

    [Fact]
    public void UnalignedEndOfTheLastPartitionStartsAtTheNextMiB()
    {
        var (_, head) = Disk("unaligned", 100, "label: dos\n2048,40000,83\n");
        var p = PlanOf(head, 100, sectors: 40000);
        Assert.Equal(21 * MiB, p.StartSector);   // 2048 + 40000 = 42048, the next MiB is 43008
        Assert.Equal(79 * MiB, p.Sectors);
    }

    [Fact]
    public void MediumInSlotTwoTakesSlotThreeAndStartsAfterTheLastPartition()
    {
        var (_, head) = Disk("slot3", 120, "label: dos\n2048,8192,83\n10240,40960,83\n");
        var p = PlanOf(head, 120, number: 2, start: 10240, kernel: [1, 2]);
        Assert.Equal((2, 51200L), (p.Slot, p.StartSector));
    }

    public static TheoryData<string, int, string, string> Refusals => new()
    {
        { "full", 21, "label: dos\n2048,,83\n", "no free space after the last partition" },
        { "small", 40, Test30, "no free space" },   // 19 MiB free, 32 needed
        { "gpt", 85, "label: gpt\n2048,40960\n", "GPT" },
        { "extended", 85, "label: dos\n2048,40960,83\n43008,20480,5\n", "extended partition" },
        {
            "noslot", 120, "label: dos\n2048,40960,83\n43008,2048,83\n45056,2048,83\n47104,2048,83\n",
            "no free dos slot"
        },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void RefusedLayouts(string name, int mib, string script, string why)
    {
        var (_, head) = Disk(name, mib, script);
        var kernel = name is "noslot" ? new[] { 1, 2, 3, 4 } : name is "extended" ? new[] { 1, 2 } : [1];
        var p = PlanOf(head, mib, kernel: kernel);
        Assert.True(p.Refused);
        Assert.Contains(why, p.Refusal);
    }

    private static byte[] Crafted(Action<byte[]> edit)
    {
        var (_, head) = Disk("crafted", 85, Test30);
        edit(head);
        return head;
    }

    private static void Put(byte[] b, int o, uint v) => BitConverter.TryWriteBytes(b.AsSpan(o), v);

    [Fact]
    public void NoTableAtAll() =>
        Assert.Contains("no dos partition table", PlanOf(new byte[DosAutoPartition.HeadBytes], 85).Refusal);

    [Fact]
    public void HybridIsoOnTheWholeDisk() => Assert.Contains("hybrid ISO", PlanOf(Crafted(h =>
    {
        h[0x8000] = 1;
        "CD001"u8.CopyTo(h.AsSpan(0x8001));
    }), 85).Refusal);

    [Fact]
    public void GptHeaderBehindADosTable() =>
        Assert.Contains("GPT header", PlanOf(Crafted(h => "EFI PART"u8.CopyTo(h.AsSpan(512))), 85).Refusal);

    [Fact]
    public void OverlappingEntries() => Assert.Contains("overlap", PlanOf(Crafted(h =>
    {
        h[462 + 4] = 0x83;
        Put(h, 462 + 8, 30000);
        Put(h, 462 + 12, 20000);
    }), 85, kernel: [1, 2]).Refusal);

    [Fact]
    public void EntryBeyondTheDisk() =>
        Assert.Contains("outside the disk", PlanOf(Crafted(h => Put(h, 446 + 12, 400000)), 85,
            sectors: 400000).Refusal);

    [Fact]
    public void UnknownBootFlag() =>
        Assert.Contains("boot flag", PlanOf(Crafted(h => h[462] = 0x12), 85).Refusal);

    [Fact]
    public void EmptyTypeWithAStart() =>
        Assert.Contains("empty (type 0) but", PlanOf(Crafted(h => Put(h, 462 + 8, 50000)), 85).Refusal);

    [Fact]
    public void ProtectiveEntryAlone() =>
        Assert.Contains("GPT", PlanOf(Crafted(h => h[446 + 4] = 0xEE), 85).Refusal);

    [Theory]
    [InlineData(1, 4096L, 40960L, "not the medium's partition")]   // the kernel's medium is not entry 1
    [InlineData(1, 2048L, 20480L, "not the medium's partition")]
    [InlineData(0, 0L, 0L, "not a primary dos partition")]          // a whole disk
    [InlineData(5, 2048L, 40960L, "not a primary dos partition")]   // a logical partition
    public void MediumMustBeTheEntryTheKernelHas(int number, long start, long sectors, string why)
    {
        var (_, head) = Disk("medium", 85, Test30);
        Assert.Contains(why, DosAutoPartition.Plan(head, 85 * MiB, number, start, sectors, [1]).Refusal);
    }

    [Fact]
    public void KernelPartitionMissingFromTheTable()
    {
        var (_, head) = Disk("kernel", 85, Test30);
        Assert.Contains("the kernel knows partition 2", PlanOf(head, 85, kernel: [1, 2]).Refusal);
    }

    [Fact]
    public void DiskOver2TiBEndsTheEntryAtTheLastDosSector()
    {
        var (_, head) = Disk("big", 85, Test30);
        var p = DosAutoPartition.Plan(head, 3L << 31, 1, 2048, 40960, [1]);   // 3 TiB in sectors
        Assert.False(p.Refused, p.Refusal);
        Assert.True(p.StartSector + p.Sectors <= DosAutoPartition.MaxLba + 1);
        Assert.Equal(0, (p.StartSector + p.Sectors) % MiB);
    }

    /// <summary>A GPT disk image made by sgdisk with <paramref name="args"/>; returns its path.</summary>
    private static string GptDisk(string name, int mib, params string[] args)
    {
        var path = Path.Combine(Repo.TempDir("autooverlay"), name + ".img");
        File.Delete(path);
        using (var f = File.Create(path)) f.SetLength(mib * 1024L * 1024);
        var (code, _, err) = Repo.Run("sgdisk", [.. args, path]);
        Assert.True(code == 0, err);
        return path;
    }

    private static (byte[] Head, byte[] Tail) Ends(string path)
    {
        using var f = File.OpenRead(path);
        var head = new byte[DosAutoPartition.HeadBytes];
        var tail = new byte[DosAutoPartition.HeadBytes];
        f.ReadExactly(head);
        f.Position = f.Length - tail.Length;
        f.ReadExactly(tail);
        return (head, tail);
    }

    private static AutoPartitionPlan GptPlan(string path, int[]? kernel = null)
    {
        var (head, tail) = Ends(path);
        return GptAutoPartition.Plan(head, tail, new FileInfo(path).Length / 512, 1, 2048, 40960, kernel ?? [1]);
    }

    [Fact]
    public void GptGetsEntryTwoAndBothHeadersAreRewrittenAsSgdiskExpects()
    {
        var path = GptDisk("gpt-ok", 85, "-o", "-n", "1:2048:+20M", "-t", "1:8300");
        var (head, tail) = Ends(path);
        Assert.True(GptAutoPartition.IsGpt(head));
        var sectors = new FileInfo(path).Length / 512;
        var p = GptAutoPartition.Plan(head, tail, sectors, 1, 2048, 40960, [1]);
        Assert.False(p.Refused, p.Refusal);
        Assert.Equal((1, 43008L, 129024L), (p.Slot, p.StartSector, p.Sectors));   // last usable 174046: 84 MiB end
        var unique = new Guid("5c0ffee0-1234-4321-8765-0123456789ab");
        using (var f = File.OpenWrite(path))
            foreach (var (offset, bytes) in GptAutoPartition.Writes(head, tail, sectors, p, unique, "persist"))
            {
                f.Position = offset;
                f.Write(bytes);
            }
        var (vcode, vout, _) = Repo.Run("sgdisk", "-v", path);
        Assert.True(vcode == 0 && vout.Contains("No problems found"), vout);
        var dump = Repo.Run("sfdisk", "-d", path).Out;
        Assert.Contains($"{path}2 : start=       43008, size=      129024, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, "
                        + "uuid=5C0FFEE0-1234-4321-8765-0123456789AB, name=\"persist\"", dump);
        Assert.Contains($"{path}1 : start=        2048, size=       40960", dump);
        Assert.Contains("no free space", GptPlan(path, [1, 2]).Refusal);
    }

    [Fact]
    public void GptOnADiskGrownAfterPartitioning()
    {
        var path = GptDisk("gpt-grown", 85, "-o", "-n", "1:2048:+20M");
        using (var f = File.OpenWrite(path)) f.SetLength(120L << 20);   // the backup header is no longer last
        Assert.Contains("GPT header", GptPlan(path).Refusal);
    }

    [Fact]
    public void GptWithABrokenBackupHeader()
    {
        var path = GptDisk("gpt-backup", 85, "-o", "-n", "1:2048:+20M");
        using (var f = File.OpenWrite(path)) { f.Position = f.Length - 512 + 40; f.WriteByte(0x7F); }
        Assert.Contains("backup GPT header's CRC", GptPlan(path).Refusal);
    }

    [Fact]
    public void GptWithABrokenEntryArray()
    {
        var path = GptDisk("gpt-array", 85, "-o", "-n", "1:2048:+20M");
        using (var f = File.OpenWrite(path)) { f.Position = 1024 + 200; f.WriteByte(0x41); }
        Assert.Contains("entry array's CRC", GptPlan(path).Refusal);
    }

    [Fact]
    public void GptWithAHybridMbr()
    {
        var path = GptDisk("gpt-hybrid", 85, "-o", "-n", "1:2048:+20M", "-h", "1");
        Assert.Contains("hybrid", GptPlan(path).Refusal);
    }

    [Fact]
    public void GptWithoutRoom()
    {
        var path = GptDisk("gpt-full", 40, "-o", "-n", "1:2048:+20M");
        Assert.Contains("no free space", GptPlan(path).Refusal);
    }

    [Fact]
    public unsafe void BlkpgStructsMatchTheCHeaders()
    {
        var src = Path.Combine(Repo.TempDir("blkpg-consts"), "c.c");
        File.WriteAllText(src, """
            #include <stdio.h>
            #include <stddef.h>
            #include <sys/ioctl.h>
            #include <linux/fs.h>
            #include <linux/blkpg.h>
            int main(void) {
              printf("%zu %zu %zu %zu %zu %zu %lu %d %d\n", sizeof(struct blkpg_partition),
                offsetof(struct blkpg_partition, pno), offsetof(struct blkpg_partition, volname),
                sizeof(struct blkpg_ioctl_arg), offsetof(struct blkpg_ioctl_arg, datalen),
                offsetof(struct blkpg_ioctl_arg, data), (unsigned long)BLKPG, BLKPG_ADD_PARTITION, BLKPG_DEL_PARTITION);
              return 0;
            }
            """);
        var exe = src[..^2];
        var (cc, _, err) = Repo.Run("gcc", "-o", exe, src);
        Assert.True(cc == 0, err);
        var p = Repo.Run(exe).Out.Trim().Split(' ');
        Assert.Equal(sizeof(BlkpgPartition).ToString(), p[0]);
        Assert.Equal(Marshal.OffsetOf<BlkpgPartition>(nameof(BlkpgPartition.Pno)).ToString(), p[1]);
        Assert.Equal(Marshal.OffsetOf<BlkpgPartition>(nameof(BlkpgPartition.VolName)).ToString(), p[2]);
        Assert.Equal(sizeof(BlkpgIoctlArg).ToString(), p[3]);
        Assert.Equal(Marshal.OffsetOf<BlkpgIoctlArg>(nameof(BlkpgIoctlArg.DataLen)).ToString(), p[4]);
        Assert.Equal(Marshal.OffsetOf<BlkpgIoctlArg>(nameof(BlkpgIoctlArg.Data)).ToString(), p[5]);
        Assert.Equal(BlkpgIoctlArg.BLKPG.ToString(), p[6]);
        Assert.Equal(BlkpgIoctlArg.BLKPG_ADD_PARTITION.ToString(), p[7]);
        Assert.Equal(BlkpgIoctlArg.BLKPG_DEL_PARTITION.ToString(), p[8]);
    }

    private static BootPlan Plan(string cmdline) => DialectSelector.Plan(KernelCommandLine.Parse(cmdline));

    [Theory]
    [InlineData("rd.overlay=LABEL=persist", "ext4")]
    [InlineData("rd.live.overlay=LABEL=persist", "ext4")]
    [InlineData("rd.overlay=LABEL=persist rd.live.overlay.cowfs=ext3", "ext3")]
    public void Test30LinesPlanAnAutooverlay(string arg, string fs)
    {
        var p = Plan($"root=live:/dev/disk/by-label/dracut rd.live.image {arg} rd.live.dir=LiveOS");
        Assert.Equal(new AutoOverlayPlan("persist", fs), p.AutoOverlay);
        Assert.DoesNotContain(p.Diagnostics, x => x.Parameter == "rd.live.overlay.cowfs");
    }

    [Theory]
    [InlineData("rd.overlay=UUID=0f0f0f0f-2121-4121-8121-0000000000a1", false)]   // only LABEL=, as dracut
    [InlineData("rd.overlay=LABEL=persist:/LiveOS/mine", false)]                  // a typed path: no autooverlay
    [InlineData("rd.overlay=LABEL=persist rd.live.overlay.cowfs=xfs", true)]      // not made by mke2fs
    [InlineData("rd.overlay", false)]
    public void NoAutooverlay(string arg, bool warned)
    {
        var p = Plan($"root=live:LABEL=dracut rd.live.image {arg}");
        Assert.Null(p.AutoOverlay);
        Assert.Equal(warned, p.Diagnostics.Any(x => x.Parameter == "rd.live.overlay.cowfs"));
    }

    [Fact]
    public void OverANormalRootThereIsNoAutooverlay() =>
        Assert.Null(Plan("root=LABEL=dracut rd.overlay=LABEL=persist").AutoOverlay);

    [Fact]
    public void LddOutputGivesTheLibrariesAndTheLoader()
    {
        const string text = """
                linux-vdso.so.1 (0x00007ffd5a7f2000)
                libext2fs.so.2 => /lib/x86_64-linux-gnu/libext2fs.so.2 (0x00007f0e1c2a0000)
                libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0e1c000000)
                /lib64/ld-linux-x86-64.so.2 (0x00007f0e1c36a000)
            """;
        Assert.Equal(["/lib/x86_64-linux-gnu/libext2fs.so.2", "/lib/x86_64-linux-gnu/libc.so.6",
            "/lib64/ld-linux-x86-64.so.2"], HostBinary.ParseLdd(text));
        Assert.Throws<IOException>(() => HostBinary.ParseLdd("libfoo.so.1 => not found\n"));
    }
}
