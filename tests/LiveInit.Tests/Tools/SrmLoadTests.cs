using System.Net;
using System.Net.Sockets;
using LiveInit.Native;
using LiveInit.Tools.Common;
using LiveInit.Tools.Srm;

namespace LiveInit.Tests.Tools;

/// <summary>srm load into a target folder: from a path and from http:// on 127.0.0.1; a file that is not a
/// squashfs is refused with nothing changed.</summary>
public class SrmLoadTests
{
    private static readonly LiveSystem NoSystem = new(MountTable.Parse(""), () => null);

    private static string MakeSrm(Scratch s)
    {
        var src = s.Dir("srmsrc");
        File.WriteAllText(Path.Combine(s.Dir("srmsrc/etc"), "added"), "from srm");
        Libc.Mknod(Path.Combine(src, "etc/deleted"), StatBuf.S_IFCHR, 0);
        var srm = Path.Combine(s.Root, "m.srm");
        var (code, _, err) = Repo.Run("mksquashfs", src, srm, "-noappend", "-quiet", "-no-progress", "-comp", "gzip");
        Assert.True(code == 0, err);
        return srm;
    }

    private static string Target(Scratch s)
    {
        var t = s.Dir("target");
        File.WriteAllText(Path.Combine(s.Dir("target/etc"), "deleted"), "old");
        File.WriteAllText(Path.Combine(t, "etc/kept"), "kept");
        return t;
    }

    [Fact]
    public void FromAPath()
    {
        if (!Repo.Has("mksquashfs")) return;
        using var s = new Scratch("load-path");
        var srm = MakeSrm(s);
        var t = Target(s);
        new SrmLoad(new LoadRequest(srm, false, t, 1 << 30, false), NoSystem, new Say("test")).Run();
        Assert.Equal("from srm", File.ReadAllText(Path.Combine(t, "etc/added")));
        Assert.False(File.Exists(Path.Combine(t, "etc/deleted")));
        Assert.True(File.Exists(Path.Combine(t, "etc/kept")));
    }

    [Fact]
    public async Task FromHttpOnLoopback()
    {
        if (!Repo.Has("mksquashfs")) return;
        using var s = new Scratch("load-http");
        var bytes = File.ReadAllBytes(MakeSrm(s));
        var t = Target(s);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(() =>
        {
            using var c = listener.AcceptTcpClient();
            var st = c.GetStream();
            var buf = new byte[4096];
            st.ReadAtLeast(buf, 16, throwOnEndOfStream: false);
            st.Write(System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {bytes.Length}\r\n\r\n"));
            st.Write(bytes);
        });
        new SrmLoad(new LoadRequest($"http://127.0.0.1:{port}/m.srm", false, t, 1 << 30, false), NoSystem,
            new Say("test")).Run();
        await serve.WaitAsync(TimeSpan.FromSeconds(5));
        listener.Stop();
        Assert.Equal("from srm", File.ReadAllText(Path.Combine(t, "etc/added")));
        Assert.False(File.Exists(Path.Combine(t, "etc/deleted")));
        Assert.Empty(Directory.GetFiles("/tmp", $"liveinit-srm-{Environment.ProcessId}.srm"));
    }

    [Fact]
    public void WhatAnotherMountWouldHideIsLeftOut()
    {
        if (!Repo.Has("mksquashfs")) return;
        using var s = new Scratch("load-mounts");
        var src = s.Dir("src");
        File.WriteAllText(Path.Combine(s.Dir("src/run"), "hidden"), "x");
        File.WriteAllText(Path.Combine(s.Dir("src/etc"), "shown"), "y");
        var srm = Path.Combine(s.Root, "m.srm");
        Assert.Equal(0, Repo.Run("mksquashfs", src, srm, "-noappend", "-quiet", "-no-progress").Code);
        var t = s.Dir("target");
        s.Mount("tmpfs", s.Dir("target/run"), "tmpfs");
        var sys = new LiveSystem(MountTable.Read(), () => null);
        new SrmLoad(new LoadRequest(srm, false, t, 1 << 30, false), sys, new Say("test")).Run();
        Assert.True(File.Exists(Path.Combine(t, "etc/shown")));
        Assert.False(File.Exists(Path.Combine(t, "run/hidden")));
    }

    [Fact]
    public void NotASquashfsIsRefused()
    {
        using var s = new Scratch("load-bad");
        var bad = Path.Combine(s.Root, "bad.srm");
        File.WriteAllBytes(bad, new byte[256 * 1024]);
        var t = Target(s);
        var e = Assert.Throws<ToolFailure>(() => new SrmLoad(new LoadRequest(bad, false, t, 1 << 30, false),
            NoSystem, new Say("test")).Run());
        Assert.Contains("not an SRM", e.Message);
        Assert.True(File.Exists(Path.Combine(t, "etc/deleted")));
    }
}

/// <summary>srm install-unit into a root folder: the unit runs the load from the config once, enabled for
/// multi-user.target.</summary>
public class SrmUnitTests
{
    [Fact]
    public void TheUnitIsWrittenAndEnabled()
    {
        var root = Repo.TempDir("unit");
        Directory.CreateDirectory(Path.Combine(root, "usr/bin"));
        File.WriteAllText(Path.Combine(root, "usr/bin/liveinit"), "");
        SrmUnit.Install(root, "/usr/bin/liveinit", new Say("test"));
        var unit = File.ReadAllText(Path.Combine(root, "etc/systemd/system", SrmUnit.Name));
        Assert.Contains("ExecStart=/usr/bin/liveinit srm load --from-config\n", unit);
        Assert.Contains("Type=oneshot", unit);
        Assert.Contains("WantedBy=multi-user.target", unit);
        Assert.Equal("/etc/systemd/system/" + SrmUnit.Name,
            new FileInfo(Path.Combine(root, "etc/systemd/system/multi-user.target.wants", SrmUnit.Name)).LinkTarget);
        Assert.Throws<ToolFailure>(() => SrmUnit.Install(root, "liveinit", new Say("test")));
    }
}
