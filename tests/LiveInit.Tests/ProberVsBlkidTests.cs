using System.Text;
using LiveInit.Probe;

namespace LiveInit.Tests;

/// <summary>Images made in the test run by Debian's real mkfs tools, with labels that have spaces,
/// non-ASCII letters and maximum length; every key blkid -p reports must be equal.</summary>
public class ProberVsBlkidTests
{
    public static IEnumerable<object[]> Cases() =>
    [
        ["ext4-max-label", 8, "mkfs.ext4 -q -F -L 'my live 16 byte' -U 0f0e0d0c-1111-2222-3333-444455556666 $IMG"],
        ["ext4-non-ascii", 8, "mkfs.ext4 -q -F -L 'Clé USB' $IMG"],
        ["ext2", 8, "mkfs.ext2 -q -F -L 'old fs' $IMG"],
        ["ext3", 8, "mkfs.ext3 -q -F -L 'journal fs' $IMG"],
        ["vfat-space", 33, "mkfs.vfat -F 32 -n 'MY DISK' -i DEADBEEF $IMG >/dev/null"],
        ["vfat16", 16, "mkfs.vfat -F 16 -n 'NO_SPACE_11' $IMG >/dev/null"],
        ["vfat12-nolabel", 2, "mkfs.vfat -F 12 $IMG >/dev/null"],
        ["exfat", 16, "mkfs.exfat -L 'Mon disque' $IMG >/dev/null"],
        ["ntfs", 16, "mkfs.ntfs -q -F -Q -L 'Données partagées' $IMG >/dev/null 2>&1"],
        ["xfs", 300, "mkfs.xfs -q -f -L 'xfs label12' $IMG"],
        ["btrfs", 128, "mkfs.btrfs -q -f -L 'btrfs label with spaces' $IMG"],
        ["f2fs", 64, "mkfs.f2fs -q -f -l 'f2fs étiquette' $IMG"],
        ["swap", 1, "mkswap -L 'swap space' -U 11111111-2222-3333-4444-555555555555 $IMG >/dev/null"],
        ["luks1", 4, "echo -n pw | cryptsetup luksFormat -q --type luks1 --pbkdf-force-iterations 1000 --key-file - $IMG"],
        ["luks2", 20, "echo -n pw | cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --label 'crypt label' --key-file - $IMG"],
        ["squashfs", 0, "d=$(mktemp -d) && echo hi > $d/f && mksquashfs $d $IMG -noappend -quiet >/dev/null"],
        ["erofs", 0, "d=$(mktemp -d) && echo hi > $d/f && mkfs.erofs -U 2375febf-f260-479d-ade7-952494047cb4 $IMG $d >/dev/null 2>&1"],
        ["udf", 16, "mkudffs --label='UDF disque é' --vid='UDF volume' $IMG >/dev/null"],
        ["udf-bs4096", 16, "mkudffs --blocksize=4096 --label='Label4096' $IMG >/dev/null"],
        ["iso9660-joliet", 0, "d=$(mktemp -d) && echo hi > $d/f && xorriso -as mkisofs -quiet -V 'LIVE ISO 2024' -J -o $IMG $d 2>/dev/null"],
        ["iso-hybrid-partition-offset", 0, "d=$(mktemp -d) && echo hi > $d/f && xorriso -as mkisofs -quiet -V HYBRID -J -partition_offset 16 -o $IMG $d 2>/dev/null"],
        ["dos-table", 16, "printf 'label: dos\\nlabel-id: 0xcafe0123\\n1MiB,4MiB,83\\n5MiB,,c\\n' | sfdisk -q $IMG >/dev/null"],
        ["gpt-table", 16, "printf 'label: gpt\\nlabel-id: 01234567-89AB-CDEF-0123-456789ABCDEF\\nstart=2048, size=8192, type=L, name=\"root part\"\\n' | sfdisk -q $IMG >/dev/null"],
    ];

    private static readonly string[] Keys = ["TYPE", "LABEL", "UUID", "UUID_SUB", "VERSION", "PTTYPE", "PTUUID"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void SameAsBlkid(string name, int sizeMiB, string command)
    {
        var dir = Repo.TempDir("mkfs");
        var img = Path.Combine(dir, name + ".img");
        try
        {
            if (sizeMiB > 0) using (var f = File.Create(img)) f.SetLength((long)sizeMiB << 20);
            var (code, _, err) = Repo.Run("bash", "-c", $"export PATH=$PATH:/sbin:/usr/sbin; IMG='{img}'; {command}");
            Assert.True(code == 0, $"making {name} failed ({code}): {err}");
            ProbeResult r;
            using (var src = new FileProbeSource(img)) r = Prober.Probe(src);
            foreach (var key in Keys)
            {
                // Debian 12's blkid 2.38 also reports PTTYPE=dos on a whole exFAT image (its boot sector
                // ends in 0x55AA); util-linux 2.39 fixed that, and LiveInit follows 2.39 (the corpus).
                if (key == "PTTYPE" && r.Get("TYPE") == "exfat") { Assert.Null(r.Get(key)); continue; }
                var (bcode, bout, _) = Repo.Run("blkid", "-p", "-o", "value", "-s", key, img);
                var expected = bcode == 0 && bout.Length > 0 ? bout.TrimEnd('\n') : null;
                var got = r.Get(key);
                Assert.True(expected == got, $"{name} {key}: blkid says '{expected ?? "(none)"}', liveinit says '{got ?? "(none)"}'");
            }
            Assert.NotNull(r.Get("TYPE") ?? r.Get("PTTYPE"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
