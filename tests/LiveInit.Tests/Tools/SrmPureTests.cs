using LiveInit.Cli;
using LiveInit.Tools.Common;
using LiveInit.Tools.Net;
using LiveInit.Tools.Srm;

namespace LiveInit.Tests.Tools;

/// <summary>The pure parts of the SRM tools: pacman's database, mountinfo, the YAML config, URLs, options.</summary>
public class SrmPureTests
{
    [Fact]
    public void PacmanDescAndFilesAreRead()
    {
        var desc = "%NAME%\nnano\n\n%VERSION%\n8.2-1\n\n%BASE%\nnano\n\n%INSTALLDATE%\n1727000000\n\n%SIZE%\n2651136\n";
        var p = PacmanDb.ParseDesc("nano-8.2-1", desc)!;
        Assert.Equal(("nano", "8.2-1", 1727000000L), (p.Name, p.Version, p.InstallDate));
        Assert.Null(PacmanDb.ParseDesc("x", "%VERSION%\n1\n"));
        var files = "%FILES%\netc/\netc/nanorc\nusr/\nusr/bin/\nusr/bin/nano\nusr/bin/rnano\n../../etc/shadow\n\n%BACKUP%\netc/nanorc\t5a7f1c\n";
        Assert.Equal(["/etc", "/etc/nanorc", "/usr", "/usr/bin", "/usr/bin/nano", "/usr/bin/rnano"],
            PacmanDb.ParseFiles(files));
    }

    [Fact]
    public void MountinfoGivesTheUpperDirOfTheRootOverlay()
    {
        var text = """
            22 1 0:21 / /proc rw,relatime - proc proc rw
            1 0 0:30 / / rw,relatime - overlay overlay rw,lowerdir=/run/archiso/airootfs,upperdir=/run/archiso/cowspace/persistent_my\054disk/x86_64/upperdir,workdir=/run/archiso/cowspace/w
            40 1 0:31 / /run rw,nosuid,nodev - tmpfs tmpfs rw,mode=755
            41 40 8:1 / /run/archiso/bootmnt ro,relatime - vfat /dev/sda1 ro,codepage=437
            42 40 8:2 / /run/media/my\040disk rw - ext4 /dev/sda2 rw
            """;
        var t = MountTable.Parse(text);
        Assert.Equal(5, t.Entries.Count);
        Assert.Equal("/run/archiso/cowspace/persistent_my,disk/x86_64/upperdir", t.At("/")!.Option("upperdir"));
        Assert.Equal("/run/media/my disk", t.Entries[4].MountPoint);
        Assert.Equal("/run/archiso/bootmnt", t.ForPath("/run/archiso/bootmnt/sysresccd/a.srm")!.MountPoint);
        Assert.Equal("/run", t.ForPath("/run/archiso")!.MountPoint);
        Assert.Equal("/", t.ForPath("/tmp/x")!.MountPoint);
        Assert.True(t.ForPath("/run/archiso/bootmnt")!.ReadOnly);
        Assert.Equal(["/proc", "/run", "/run/archiso/bootmnt", "/run/media/my disk"],
            t.Below("/").Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void TheSysrescueYamlSubsetIsRead()
    {
        var yaml = """
            ---
            # SystemRescue configuration
            global:
                copytoram: true
                late_load_srm: "http://10.0.2.2:8080/my module.srm"   # a comment
                setkmap: 'fr-latin1'
                rootpass: it's # not a comment#here
            autorun:
                ar_suffixes: "0,1,2"
                exec:
                    100:
                        path: /x
            sysconfig:
                late_load_srm: nope
            """;
        var c = SysrescueConfig.Parse(yaml);
        Assert.Equal("http://10.0.2.2:8080/my module.srm", c["global"]["late_load_srm"]);
        Assert.Equal("fr-latin1", c["global"]["setkmap"]);
        Assert.Equal("true", c["global"]["copytoram"]);
        Assert.Equal("it's", c["global"]["rootpass"]);
        Assert.Equal("0,1,2", c["autorun"]["ar_suffixes"]);
        Assert.False(c["autorun"].ContainsKey("path"));
        Assert.Null(SysrescueConfig.Parse("global:\n  late_load_srm: ~\n")["global"]["late_load_srm"]);
        Assert.Null(SysrescueConfig.Parse("global:\n  late_load_srm:\n")["global"]["late_load_srm"]);
    }

    [Fact]
    public void LaterConfigFilesWinOnTheMedium()
    {
        using var s = new Scratch("sysrescue-cfg");
        var d = s.Dir("sysrescue.d");
        File.WriteAllText(Path.Combine(d, "100-defaults.yaml"), "global:\n    late_load_srm: \"\"\n    dostartx: false\n");
        File.WriteAllText(Path.Combine(d, "500-mine.yaml"), "---\nglobal:\n    late_load_srm: "
            + "'/run/archiso/bootmnt/a.srm'\n");
        File.WriteAllText(Path.Combine(d, "900-other.yaml"), "autorun:\n    ar_disable: true\n");
        File.CreateSymbolicLink(Path.Combine(d, "950-escape.yaml"), "/etc/passwd");
        Assert.Equal("/run/archiso/bootmnt/a.srm", SysrescueConfig.LateLoadSrm(s.Root, out var from));
        Assert.EndsWith("500-mine.yaml", from);
    }

    [Theory]
    [InlineData("http://10.0.2.2:8000/a/b.srm", "http", "10.0.2.2", 8000, "/a/b.srm", "10.0.2.2:8000")]
    [InlineData("https://Example.org", "https", "example.org", 443, "/", "example.org")]
    [InlineData("http://[::1]:81/x?y=1#frag", "http", "::1", 81, "/x?y=1", "[::1]:81")]
    [InlineData("http://host?q", "http", "host", 80, "/?q", "host")]
    public void UrlsAreSplit(string text, string scheme, string host, int port, string target, string hostHeader)
    {
        var u = HttpUrl.Parse(text);
        Assert.Equal((scheme, host, port, target, hostHeader), (u.Scheme, u.Host, u.Port, u.Target, u.HostHeader));
    }

    [Theory]
    [InlineData("ftp://x/y")]
    [InlineData("http://user:pw@x/y")]
    [InlineData("http://x:99999/")]
    [InlineData("http:///y")]
    [InlineData("http://x/a b")]
    public void BadUrlsAreRefused(string text) => Assert.Throws<FormatException>(() => HttpUrl.Parse(text));

    [Fact]
    public void RedirectsResolveAgainstTheUrl()
    {
        var u = HttpUrl.Parse("http://h:8/dir/file.srm?x");
        Assert.Equal("http://h:8/other", u.Resolve("/other").ToString());
        Assert.Equal("http://h:8/dir/b.srm", u.Resolve("b.srm").ToString());
        Assert.Equal("https://k/z", u.Resolve("https://k/z").ToString());
        Assert.Equal("http://m/n", u.Resolve("//m/n").ToString());
    }

    [Fact]
    public void HostsFileLookup()
    {
        var hosts = "127.0.0.1 localhost\n# 10.0.0.9 srv\n10.0.2.2\tsrv srv.lan # host\n::1 localhost ip6-localhost\n";
        Assert.Equal(["10.0.2.2"], HostsFile.Lookup(hosts, "SRV").Select(a => a.ToString()));
        Assert.Equal(["127.0.0.1", "::1"], HostsFile.Lookup(hosts, "localhost").Select(a => a.ToString()));
        Assert.Empty(HostsFile.Lookup(hosts, "nothere"));
    }

    [Fact]
    public void ToolOptionsReadShortAndLongForms()
    {
        var o = ToolOptions.Parse(["-s", "prepare", "-cxz", "-vl", "9", "--pacman", "--staging=/run/s", "-e", "a",
            "-e", "b", "out.srm"],
            [new('s', "stage", true), new('c', "compression", true), new('l', "level", true), new('v', "verbose"),
             new(null, "pacman"), new(null, "staging", true), new('e', "exclude", true)]);
        Assert.Equal(("prepare", "xz", "9", "/run/s"), (o.Get("stage"), o.Get("compression"), o.Get("level"),
            o.Get("staging")));
        Assert.True(o.Has("verbose") && o.Has("pacman"));
        Assert.Equal(["a", "b"], o.GetAll("exclude"));
        Assert.Equal(["out.srm"], o.Positionals);
        Assert.Throws<UsageException>(() => ToolOptions.Parse(["-x"], []));
        Assert.Throws<UsageException>(() => ToolOptions.Parse(["-s"], [new('s', "stage", true)]));
        Assert.Equal(["-v"], ToolOptions.Parse(["--", "-v"], [new('v', "verbose")]).Positionals);
    }

    [Fact]
    public void MksquashfsProgressLinesAreRead()
    {
        Assert.Equal((229L, 229L), Mksquashfs.ParseProgress("[===================================|] 229/229 100%"));
        Assert.Equal((12L, 300L), Mksquashfs.ParseProgress("[==-          ]  12/300   4%"));
        Assert.Null(Mksquashfs.ParseProgress("Creating 4.0 filesystem on x.sfs, block size 131072."));
        Assert.Equal(["-comp", "xz", "-Xcompression-level", "9"], Mksquashfs.Compression("xz", "9"));
        Assert.Throws<ToolFailure>(() => Mksquashfs.Compression("xz;rm", null).ToList());
    }

    [Fact]
    public void ProgressBarText()
    {
        var p = new Progress("copying", 200L << 20, terminal: false);
        Assert.Equal("copying [###############...............]  50% 100.0 MiB of 200.0 MiB", p.Bar(100L << 20));
        Assert.Equal("copying [..............................]   0% 0 bytes of 200.0 MiB", p.Bar(0));
    }
}
