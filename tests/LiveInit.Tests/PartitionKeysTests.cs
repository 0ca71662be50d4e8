using System.Text.Json;
using LiveInit.Devices;
using LiveInit.Probe;

namespace LiveInit.Tests;

/// <summary>The PART_ENTRY_* keys of every partition of disks made by sfdisk (gpt with names, attributes and a
/// name with a space; dos with a bootable primary, an extended partition and logical partitions, one bootable),
/// compared with what <c>sfdisk --json</c> says of the same disk. The host cannot scan partitions of a loop
/// device, so the kernel's view (number, start, size) is taken from sfdisk too; the boot scenario
/// <c>probe_partition_entries</c> compares the whole output with blkid -p on real partitions in a guest.</summary>
public class PartitionKeysTests
{
    public static IEnumerable<object[]> Disks() =>
    [
        ["gpt", "label: gpt\nlabel-id: 0C0FFEE0-1111-2222-3333-444455556666\n"
            + "start=2048, size=4096, type=L, uuid=6A1E1E00-AAAA-BBBB-CCCC-DDDDEEEEFFFF, name=\"LiveInit Root\", "
            + "attrs=\"LegacyBIOSBootable GUID:60\"\n"
            + "start=6144, size=2048, type=S, name=swap\n"
            + "start=10240, size=2048, type=U, attrs=RequiredPartition\n"],
        ["dos", "label: dos\nlabel-id: 0x5eed1234\n"
            + "start=2048, size=4096, type=c, bootable\n"
            + "start=6144, size=12288, type=5\n"
            + "start=8192, size=2048, type=83\n"
            + "start=12288, size=4096, type=82, bootable\n"],
    ];

    [Theory]
    [MemberData(nameof(Disks))]
    public void EveryEntryAsSfdiskSeesIt(string name, string script)
    {
        var dir = Repo.TempDir("pt-" + name);
        var img = Path.Combine(dir, "disk.img");
        try
        {
            using (var f = File.Create(img)) f.SetLength(16L << 20);
            var (code, _, err) = Repo.Run("bash", "-c", $"printf '%s' \"$0\" | /sbin/sfdisk -q '{img}'", script);
            Assert.True(code == 0, $"sfdisk failed: {err}");
            var (jcode, json, jerr) = Repo.Run("/sbin/sfdisk", "--json", img);
            Assert.True(jcode == 0, $"sfdisk --json failed: {jerr}");
            var table = JsonDocument.Parse(json).RootElement.GetProperty("partitiontable");
            var diskId = table.GetProperty("id").GetString()!;

            using var src = new FileProbeSource(img);
            var pt = Prober.ReadPartitionTable(src);
            Assert.NotNull(pt);
            var seen = 0;
            foreach (var p in table.GetProperty("partitions").EnumerateArray())
            {
                var node = p.GetProperty("node").GetString()!;
                var number = int.Parse(node[img.Length..]);
                long start = p.GetProperty("start").GetInt64(), size = p.GetProperty("size").GetInt64();
                var type = p.GetProperty("type").GetString()!;
                // the kernel's device of an extended partition is 2 sectors long: found by its number
                var kernelSize = type == "5" ? 2 : size;
                var e = PartitionKeys.Find(pt!, number, start, kernelSize);
                Assert.NotNull(e);
                var r = new ProbeResult();
                PartitionKeys.Add(r, pt!, e!, PartitionKeys.ReadFlags(src, pt!, e!), "8:0");

                Assert.Equal(name, r.Get("PART_ENTRY_SCHEME"));
                Assert.Equal(number.ToString(), r.Get("PART_ENTRY_NUMBER"));
                Assert.Equal(start.ToString(), r.Get("PART_ENTRY_OFFSET"));
                Assert.Equal(size.ToString(), r.Get("PART_ENTRY_SIZE"));
                Assert.Equal("8:0", r.Get("PART_ENTRY_DISK"));
                if (name == "gpt")
                {
                    Assert.Equal(type.ToLowerInvariant(), r.Get("PART_ENTRY_TYPE"));
                    Assert.Equal(p.GetProperty("uuid").GetString()!.ToLowerInvariant(), r.Get("PART_ENTRY_UUID"));
                    var label = p.TryGetProperty("name", out var n) ? n.GetString() : null;
                    Assert.Equal(label, r.Get("PART_ENTRY_NAME"));
                    Assert.Equal(label, r.Get("PARTLABEL"));
                    var attrs = p.TryGetProperty("attrs", out var a) ? GptAttributes(a.GetString()!) : 0;
                    Assert.Equal(attrs == 0 ? null : $"0x{attrs:x}", r.Get("PART_ENTRY_FLAGS"));
                }
                else
                {
                    Assert.Equal("0x" + type, r.Get("PART_ENTRY_TYPE"));
                    Assert.Equal($"{diskId[2..]}-{number:x2}", r.Get("PART_ENTRY_UUID"));
                    Assert.Null(r.Get("PART_ENTRY_NAME"));
                    var boot = p.TryGetProperty("bootable", out var b) && b.GetBoolean();
                    Assert.Equal(boot ? "0x80" : null, r.Get("PART_ENTRY_FLAGS"));
                }
                Assert.Equal(r.Get("PART_ENTRY_UUID"), r.Get("PARTUUID"));
                seen++;
            }
            Assert.Equal(name == "gpt" ? 3 : 4, seen);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>An image file has no parent disk: no partition keys, nothing thrown.</summary>
    [Fact]
    public void ImageFilesGetNoPartitionKeys()
    {
        var dir = Repo.TempDir("pt-file");
        try
        {
            var img = Path.Combine(dir, "part.img");
            File.WriteAllBytes(img, new byte[1 << 20]);
            var r = new ProbeResult();
            PartitionKeys.AddForPath(img, r);
            PartitionKeys.AddForPath(Path.Combine(dir, "missing"), r);
            Assert.True(r.IsEmpty);
            Assert.Null(r.Problem);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>sfdisk's names of GPT attribute bits (its gpt.c) back to the 64-bit value.</summary>
    private static ulong GptAttributes(string text)
    {
        ulong v = 0;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            v |= word switch
            {
                "RequiredPartition" => 1UL,
                "NoBlockIOProtocol" => 2UL,
                "LegacyBIOSBootable" => 4UL,
                _ when word.StartsWith("GUID:", StringComparison.Ordinal) => 1UL << int.Parse(word[5..]),
                _ => throw new InvalidOperationException($"unknown sfdisk attribute '{word}'"),
            };
        return v;
    }
}
