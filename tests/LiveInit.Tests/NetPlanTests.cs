using System.Net;
using System.Net.Sockets;
using System.Text;
using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Net;
using LiveInit.Plan;

namespace LiveInit.Tests;

/// <summary>The network sources in the plan, and the agent's HTTP download against an in-process server that
/// drops the connection and honours Range.</summary>
public class NetPlanTests
{
    private static BootPlan Plan(string cmdline) => DialectSelector.Plan(KernelCommandLine.Parse(cmdline));

    [Fact]
    public void ArchisoHttpServer()
    {
        var p = Plan("ip=dhcp archiso_http_srv=http://${pxeserver}:8080/ archisobasedir=sysresccd");
        Assert.Equal("archiso (SystemRescue)", p.Dialect);
        Assert.Equal("http://${pxeserver}:8080/sysresccd/x86_64/airootfs.sfs", p.Net!.Image!.Url);
        Assert.Equal(ArchisoDialect.HttpSpace, p.Net.Image.RamDir);
        Assert.True(p.Net.FlushAtSwitch);
        Assert.Null(p.Net.Image.ChecksumUrl);
        Assert.Equal("http://h/arch/x86_64/airootfs.sha512",
            Plan("archiso_http_srv=http://h checksum").Net!.Image!.ChecksumUrl);
        Assert.Null(p.Medium.Device);
        Assert.False(p.HasErrors);
        var steps = LiveInit.Boot.BootSequence.For(p).Select(s => s.GetType().Name).ToList();
        Assert.Equal(["MountKernelFilesystems", "LoadDrivers", "NetworkUp", "FetchImage", "MountImage",
            "PrepareWritable", "AssembleRoot", "HandOverNetwork", "SwitchRoot"], steps);
    }

    [Fact]
    public void DracutSquashfsAndIsoUrls()
    {
        var p = Plan("root=live:http://10.0.2.2/LiveOS/squashfs.img rd.live.image");
        Assert.Equal(NetImageKind.Squashfs, p.Net!.Image!.Kind);
        Assert.False(p.Net.FlushAtSwitch);
        Assert.Equal(IpMethod.Dhcp, p.Net.Ip.Method);   // no ip=: DHCP, with a warning
        Assert.Contains(p.Diagnostics, d => d.Parameter == "ip" && d.Severity == Severity.Warning);
        Assert.Null(p.Home);
        var iso = Plan("root=live:http://10.0.2.2/x.iso rd.live.dir=Live ip=dhcp").Net!.Image!;
        Assert.Equal(NetImageKind.Iso, iso.Kind);
        Assert.Equal("Live/squashfs.img", iso.IsoInnerPath);
        var text = LiveInit.Cli.ExplainCommand.Render(KernelCommandLine.Parse("root=live:http://10.0.2.2/x.iso ip=dhcp"), "text");
        Assert.Contains("image http://10.0.2.2/x.iso over HTTP into RAM", text);
    }

    [Fact]
    public void HttpsAndBadUrlsAreRefusedByName()
    {
        var p = Plan("root=live:https://example.org/x.img ip=dhcp");
        Assert.Contains(p.Diagnostics, d => d.Parameter == "root" && d.Message.Contains("https://"));
        Assert.Null(p.Net?.Image);
        var q = Plan("archisolabel=X liveinit.srm=ftp://h/a.srm liveinit.srm=http://10.0.2.2/b.srm");
        Assert.Equal(["http://10.0.2.2/b.srm"], q.Net!.SrmUrls);
        Assert.Contains(q.Diagnostics, d => d.Parameter == "liveinit.srm" && d.Severity == Severity.Error);
    }

    [Theory]
    [InlineData("bytes 100-199/1000", 100L, 1000L)]
    [InlineData("bytes 0-0/*", 0L, null)]
    [InlineData("bytes */1000", null, null)]
    [InlineData("items 1-2/3", null, null)]
    public void ContentRange(string value, long? start, long? size)
    {
        var r = HttpDownload.ContentRange(value);
        if (start is null) { Assert.Null(r); return; }
        Assert.Equal((start.Value, size), r!.Value);
    }

    [Fact]
    public void DownloadResumesWithRangeAfterADroppedConnection()
    {
        var body = new byte[300_000];
        new Random(7).NextBytes(body);
        using var server = new FlakyServer(body, dropAfter: 100_000);
        var lines = new List<string>();
        var http = new HttpDownload(new Resolver([]), lines.Add) { TimeoutMs = 5000 };
        using var ms = new MemoryStream();
        var r = http.Fetch($"http://127.0.0.1:{server.Port}/img", total =>
        {
            Assert.Equal(body.Length, total);
            return (ms, 1L << 20);
        });
        Assert.Equal(body, ms.ToArray());
        Assert.Equal(1, r.Retries);
        Assert.Equal(1, r.Resumes);
        Assert.Contains("bytes=100000-", server.Ranges);
        Assert.Contains(lines, l => l.Contains("resuming"));
    }

    [Fact]
    public void DownloadRefusesWhatDoesNotFitAndDoesNotRetryA404()
    {
        using var server = new FlakyServer(new byte[5000], dropAfter: 0);
        var http = new HttpDownload(new Resolver([]), _ => { }) { TimeoutMs = 5000 };
        using var ms = new MemoryStream();
        var e = Assert.Throws<PermanentDownloadError>(() =>
            http.Fetch($"http://127.0.0.1:{server.Port}/img", _ => (ms, 1000)));
        Assert.Contains("more than", e.Message);
        Assert.Equal(0, ms.Length);
        var nf = Assert.Throws<PermanentDownloadError>(() =>
            http.Fetch($"http://127.0.0.1:{server.Port}/missing", _ => (ms, 1L << 20)));
        Assert.Contains("404", nf.Message);
        Assert.Single(server.Requests, r => r == "/missing");
    }

    /// <summary>Serves one body at /img (Range: bytes=N-), 404 elsewhere; drops the first connection after
    /// <c>dropAfter</c> body bytes.</summary>
    private sealed class FlakyServer : IDisposable
    {
        private readonly TcpListener _l = new(IPAddress.Loopback, 0);
        private readonly byte[] _body;
        private int _dropAfter;
        public List<string> Ranges { get; } = [];
        public List<string> Requests { get; } = [];
        public int Port => ((IPEndPoint)_l.LocalEndpoint).Port;

        public FlakyServer(byte[] body, int dropAfter)
        {
            _body = body;
            _dropAfter = dropAfter;
            _l.Start();
            new Thread(Serve) { IsBackground = true }.Start();
        }

        private void Serve()
        {
            while (true)
            {
                TcpClient c;
                try { c = _l.AcceptTcpClient(); }
                catch (SocketException) { return; }
                catch (ObjectDisposedException) { return; }
                catch (InvalidOperationException) { return; }   // stopped between two accepts: "Not listening"
                using (c)
                {
                    var s = c.GetStream();
                    var head = new StringBuilder();
                    while (!head.ToString().EndsWith("\r\n\r\n")) { var b = s.ReadByte(); if (b < 0) break; head.Append((char)b); }
                    var lines = head.ToString().Split("\r\n");
                    var path = lines[0].Split(' ')[1];
                    lock (Requests) Requests.Add(path);
                    if (path != "/img")
                    {
                        s.Write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8);
                        continue;
                    }
                    var range = lines.FirstOrDefault(l => l.StartsWith("Range: "))?[7..];
                    var start = 0;
                    if (range is not null) { lock (Ranges) Ranges.Add(range); start = int.Parse(range[6..^1]); }
                    var status = range is null ? "200 OK" : "206 Partial Content";
                    var extra = range is null ? "" : $"Content-Range: bytes {start}-{_body.Length - 1}/{_body.Length}\r\n";
                    s.Write(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: {_body.Length - start}\r\n"
                        + $"ETag: \"x\"\r\n{extra}Connection: close\r\n\r\n"));
                    var n = _body.Length - start;
                    if (_dropAfter > 0) { n = Math.Min(n, _dropAfter); _dropAfter = 0; }
                    s.Write(_body, start, n);
                }
            }
        }

        public void Dispose() => _l.Stop();
    }
}

/// <summary>The agent's own resolver against an in-process DNS server on the loopback: an A record through a
/// CNAME, NXDOMAIN, and a server that stays silent.</summary>
public class ResolverTests
{
    [Fact]
    public void ResolvesThroughALoopbackDnsServer()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        var questions = new List<string>();
        var t = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    IPEndPoint? from = null;
                    var q = udp.Receive(ref from);
                    var name = Name(q);
                    lock (questions) questions.Add(name);
                    if (name == "silent.test") continue;
                    var a = new List<byte>(q);
                    a[2] = 0x81;
                    if (name == "boot.example.test")
                    {
                        a[3] = 0x80; a[7] = 2;
                        a.AddRange([0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 17]);   // CNAME example.test
                        a.AddRange([0xc0, 17, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
                    }
                    else a[3] = 0x83;   // NXDOMAIN
                    udp.Send(a.ToArray(), a.Count, from);
                }
            }
            catch (Exception) { }
        }) { IsBackground = true };
        t.Start();
        var r = new Resolver([IPAddress.Loopback], port);
        Assert.Equal(["127.0.0.1"], r.Resolve("boot.example.test").Select(x => x.ToString()));
        Assert.Equal(["10.0.2.2"], r.Resolve("10.0.2.2").Select(x => x.ToString()));   // a literal: no query
        var nx = Assert.Throws<IOException>(() => r.Resolve("nope.test"));
        Assert.Contains("NXDOMAIN", nx.Message);
        var silent = Assert.Throws<IOException>(() => r.Resolve("silent.test"));
        Assert.Contains("no A record", silent.Message);
        Assert.Equal(2, questions.Count(q => q == "silent.test"));   // two rounds, then a clear error
        Assert.DoesNotContain("10.0.2.2", questions);
    }

    private static string Name(byte[] q)
    {
        var parts = new List<string>();
        for (var i = 12; i < q.Length && q[i] != 0; i += q[i] + 1) parts.Add(Encoding.ASCII.GetString(q, i + 1, q[i]));
        return string.Join('.', parts);
    }
}
