using System.Net;
using System.Net.Sockets;
using System.Text;
using LiveInit.Tools.Common;
using LiveInit.Tools.Net;

namespace LiveInit.Tests.Tools;

/// <summary>The built-in http:// client against a listener on 127.0.0.1 in the test, which answers each
/// connection with the next canned response and records the requests.</summary>
public class HttpFetchTests
{
    private sealed class Server : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _loop;
        public List<string> Requests { get; } = [];
        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public Server(params byte[][] responses)
        {
            _listener.Start();
            _loop = Task.Run(() =>
            {
                foreach (var r in responses)
                {
                    using var c = _listener.AcceptTcpClient();
                    var s = c.GetStream();
                    var req = new StringBuilder();
                    var one = new byte[1];
                    while (!req.ToString().EndsWith("\r\n\r\n") && s.Read(one) == 1) req.Append((char)one[0]);
                    lock (Requests) Requests.Add(req.ToString());
                    try { s.Write(r); } catch (IOException) { }
                    c.Client.Shutdown(SocketShutdown.Send);
                    try { while (s.Read(one) > 0) { } } catch (IOException) { }
                }
            });
        }

        public void Dispose()
        {
            _listener.Stop();
            try { _loop.Wait(2000); } catch (AggregateException) { }
        }
    }

    private static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);

    private static (byte[] Body, HttpUrl Url) Get(Server s, string path, long max = 1 << 20)
    {
        var ms = new MemoryStream();
        var url = new HttpFetch(max, 5000).Download(HttpUrl.Parse($"http://127.0.0.1:{s.Port}{path}"), ms);
        return (ms.ToArray(), url);
    }

    [Fact]
    public void ContentLengthBody()
    {
        var body = new byte[300_000];
        new Random(1).NextBytes(body);
        using var s = new Server([.. Bytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nContent-Type: "
            + "x\r\n\r\n"), .. body]);
        Assert.Equal(body, Get(s, "/a.srm").Body);
        Assert.StartsWith("GET /a.srm HTTP/1.1\r\n", s.Requests[0]);
        Assert.Contains($"Host: 127.0.0.1:{s.Port}\r\n", s.Requests[0]);
        Assert.Contains("Connection: close\r\n", s.Requests[0]);
    }

    [Fact]
    public void ChunkedBodyWithExtensionsAndTrailers()
    {
        using var s = new Server(Bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n1\r\n "
            + "\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n"));
        Assert.Equal("hello 0123456789", Encoding.ASCII.GetString(Get(s, "/").Body));
    }

    [Fact]
    public void BodyUntilTheConnectionCloses()
    {
        using var s = new Server(Bytes("HTTP/1.0 200 OK\r\n\r\nall of it"));
        Assert.Equal("all of it", Encoding.ASCII.GetString(Get(s, "/").Body));
    }

    [Fact]
    public void RedirectsAreFollowed()
    {
        using var s = new Server(Bytes("HTTP/1.1 302 Found\r\nLocation: /real/b.srm\r\nContent-Length: 0\r\n\r\n"),
            Bytes("HTTP/1.1 301 Moved\r\nLocation: c.srm\r\n\r\n"),
            Bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        var (body, url) = Get(s, "/a.srm");
        Assert.Equal("ok", Encoding.ASCII.GetString(body));
        Assert.Equal("/real/c.srm", url.Target);
        Assert.StartsWith("GET /real/b.srm ", s.Requests[1]);
    }

    [Fact]
    public void ARedirectToHttpsIsHandedBack()
    {
        using var s = new Server(Bytes("HTTP/1.1 301 Moved\r\nLocation: https://example.org/a.srm\r\n\r\n"));
        var e = Assert.Throws<RedirectedToHttps>(() => Get(s, "/a.srm"));
        Assert.Equal("https://example.org/a.srm", e.Url.ToString());
    }

    [Fact]
    public void ErrorsAndLimits()
    {
        using (var s = new Server(Bytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")))
            Assert.Contains("HTTP 404 Not Found", Assert.Throws<ToolFailure>(() => Get(s, "/x")).Message);
        using (var s = new Server(Bytes("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n")))
            Assert.Contains("more than the limit", Assert.Throws<ToolFailure>(() => Get(s, "/x", max: 4000)).Message);
        using (var s = new Server([.. Bytes("HTTP/1.1 200 OK\r\n\r\n"), .. new byte[5000]]))
            Assert.Contains("passed the limit", Assert.Throws<ToolFailure>(() => Get(s, "/x", max: 4000)).Message);
        using (var s = new Server(Bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")))
            Assert.Contains("after 5 of 10 bytes", Assert.Throws<ToolFailure>(() => Get(s, "/x")).Message);
        using (var s = new Server(Bytes("SSH-2.0-OpenSSH\r\n\r\n")))
            Assert.Throws<InvalidDataException>(() => Get(s, "/x"));
    }

    [Fact]
    public void ANameNobodyKnowsIsExplained()
    {
        var e = Assert.Throws<ToolFailure>(() => HttpFetch.Resolve("no-such-host.invalid"));
        Assert.Contains("IP address", e.Message);
    }
}
