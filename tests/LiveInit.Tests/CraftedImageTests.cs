using System.Globalization;
using LiveInit.Probe;

namespace LiveInit.Tests;

/// <summary>
/// The published agent probes hostile images (<see cref="CraftedImages"/>) as a separate process, measured by GNU
/// time: its peak RSS stays under 32 MiB and it finishes within 2 s, and it still reports what the image is. Before
/// the read budget, the exFAT ones took 32 MiB per root-directory cluster (3.28 GB for 100: an out-of-memory
/// kernel panic at boot), the FAT32 loop 32 MiB, the GPT 32 MiB; the NTFS ones were not recognised at all.
/// </summary>
public class CraftedImageTests
{
    private const long MaxRssKiB = 32 * 1024;
    private const double MaxSeconds = 2.0;

    public static IEnumerable<object[]> Cases() =>
    [
        ["exfat-32MiB-clusters-8-root-clusters"],
        ["exfat-32MiB-clusters-20-root-clusters"],
        ["exfat-32MiB-clusters-100-root-clusters"],
        ["fat32-512KiB-clusters-looping-root"],
        ["gpt-4096-entries-of-4096-bytes"],
        ["ntfs-attribute-length-overflows"],
        ["ntfs-volume-name-length-overflows"],
    ];

    /// <summary>Makes the image; returns the lines `liveinit probe` must print and those it must not.</summary>
    private static (string[] Must, string[] MustNot) Make(string name, string img) => name switch
    {
        "exfat-32MiB-clusters-8-root-clusters" => Exfat(img, 8),
        "exfat-32MiB-clusters-20-root-clusters" => Exfat(img, 20),
        "exfat-32MiB-clusters-100-root-clusters" => Exfat(img, 100),
        "fat32-512KiB-clusters-looping-root" => Do(() => CraftedImages.Fat32LoopingRoot(img),
            ["TYPE=vfat", "UUID=1234-ABCD", "VERSION=FAT32"], ["LABEL="]),
        // libblkid and the kernel take 128-byte entries only: no GPT; the protective MBR is no dos table either
        "gpt-4096-entries-of-4096-bytes" => Do(() => CraftedImages.Gpt(img), [], ["PTTYPE="]),
        "ntfs-attribute-length-overflows" => Do(() => CraftedImages.Ntfs(img),
            ["TYPE=ntfs", "UUID=0123456789ABCDEF"], ["LABEL="]),
        "ntfs-volume-name-length-overflows" => Do(() => CraftedImages.Ntfs(img, valueLength: 0xFFFFFFF0),
            ["TYPE=ntfs", "UUID=0123456789ABCDEF"], ["LABEL="]),
        _ => throw new ArgumentException(name),
    };

    private static (string[], string[]) Exfat(string img, int clusters) =>
        Do(() => CraftedImages.Exfat(img, clusters), ["TYPE=exfat", "UUID=C0FF-EE42", "VERSION=1.0"], ["LABEL="]);

    private static (string[], string[]) Do(Action make, string[] must, string[] mustNot)
    {
        make();
        return (must, mustNot);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PublishedAgentStaysSmallAndFast(string name)
    {
        Assert.True(File.Exists(Repo.Agent), $"{Repo.Agent} is missing: run ./build.sh first");
        Assert.True(File.Exists("/usr/bin/time"), "GNU time is missing: run tests/setup.sh");
        var dir = Repo.TempDir("crafted");
        try
        {
            var img = Path.Combine(dir, name + ".img");
            var (must, mustNot) = Make(name, img);
            var (code, output, err, rssKiB, seconds) = Measure(dir, img);
            var what = $"{name}: exit {code}, max RSS {rssKiB} KiB, {seconds:0.00} s\n{output}{err}";
            Console.WriteLine(what);
            Assert.True(rssKiB > 0 && rssKiB < MaxRssKiB, $"{what}\nmax RSS over {MaxRssKiB} KiB");
            Assert.True(seconds < MaxSeconds, $"{what}\nslower than {MaxSeconds} s");
            foreach (var m in must) Assert.True(output.Contains(m + "\n"), $"{what}\n'{m}' missing");
            foreach (var m in mustNot) Assert.False(output.Contains(m), $"{what}\n'{m}' must not be there");

            // the same image in-process: the budget held, whatever limit stopped the scan
            using var src = new FileProbeSource(img);
            Prober.Probe(src);
            Assert.InRange(src.BytesRead, 1, ProbeSource.ReadBudget);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>On the images libblkid reads sanely, blkid -p agrees with the agent (TYPE, LABEL, UUID).</summary>
    [Theory]
    [InlineData("exfat-32MiB-clusters-8-root-clusters")]
    [InlineData("fat32-512KiB-clusters-looping-root")]
    [InlineData("ntfs-attribute-length-overflows")]
    public void SameAsBlkid(string name)
    {
        var dir = Repo.TempDir("crafted");
        try
        {
            var img = Path.Combine(dir, name + ".img");
            Make(name, img);
            ProbeResult r;
            using (var src = new FileProbeSource(img)) r = Prober.Probe(src);
            foreach (var key in new[] { "TYPE", "LABEL", "UUID" })
            {
                var (bcode, bout, _) = Repo.Run("blkid", "-p", "-o", "value", "-s", key, img);
                var expected = bcode == 0 && bout.Length > 0 ? bout.TrimEnd('\n') : null;
                Assert.True(expected == r.Get(key), $"{name} {key}: blkid says '{expected}', liveinit says '{r.Get(key)}'");
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>`liveinit probe IMG` under GNU time (peak RSS in KiB and wall seconds, written to a file of
    /// their own so the agent's stderr stays apart).</summary>
    private static (int Code, string Out, string Err, long RssKiB, double Seconds) Measure(string dir, string img)
    {
        var stats = Path.Combine(dir, "time.txt");
        var (code, output, err) = Repo.Run("/usr/bin/time", "-o", stats, "-f", "%M %e", Repo.Agent, "probe", img);
        var last = File.ReadAllLines(stats).Last(l => l.Length > 0 && char.IsDigit(l[0])).Split(' ');
        return (code, output, err, long.Parse(last[0], CultureInfo.InvariantCulture),
            double.Parse(last[1], CultureInfo.InvariantCulture));
    }
}
