using System.Net;
using System.Net.Sockets;
using System.Text;
using LiveInit.Tools.Common;

namespace LiveInit.Tools.Net;

/// <summary>An http:// redirect led to https://: the caller hands that URL to the system's TLS client.</summary>
public sealed class RedirectedToHttps(HttpUrl url) : Exception($"redirected to {url}")
{
    public HttpUrl Url { get; } = url;
}

/// <summary>
/// A small HTTP/1.1 client for plain http:// downloads (no TLS: https goes to curl or wget, which verify
/// certificates). One GET per connection (Connection: close), redirects followed up to five times, bodies
/// delimited by Content-Length, chunked transfer coding or the end of the connection, every read bounded by a
/// timeout and the whole body by <c>maxBytes</c>, so a hostile or broken server cannot fill the memory.
/// </summary>
public sealed class HttpFetch(long maxBytes, int timeoutMs = 30_000)
{
    public const int MaxRedirects = 5;

    /// <summary>Downloads <paramref name="url"/> into <paramref name="output"/>; returns the URL finally served.</summary>
    public HttpUrl Download(HttpUrl url, Stream output, Func<long, Progress>? progress = null)
    {
        for (var hop = 0; ; hop++)
        {
            if (url.Secure) throw new RedirectedToHttps(url);
            using var socket = Connect(url);
            using var net = new NetworkStream(socket, ownsSocket: false);
            var request = $"GET {url.Target} HTTP/1.1\r\nHost: {url.HostHeader}\r\nUser-Agent: "
                + $"liveinit/{Cli.Program.Version}\r\n"
                          + "Accept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n";
            net.Write(Encoding.ASCII.GetBytes(request));
            var reader = new HttpReader(net);
            var head = HttpResponseHead.Parse(reader.ReadHead());
            if (head.IsRedirect)
            {
                var location = head["Location"] ?? throw new ToolFailure($"{url}: HTTP {head.Status} redirect "
                    + "without a Location");
                if (hop + 1 >= MaxRedirects) throw new ToolFailure($"{url}: more than {MaxRedirects} redirects");
                url = url.Resolve(location);
                continue;
            }
            if (head.Status != 200) throw new ToolFailure($"{url}: the server answered HTTP {head.Status} {head.Reason}");
            var length = head.ContentLength;
            if (length > maxBytes)
                throw new ToolFailure($"{url} is {Say.Size(length.Value)}, more than the limit of "
                    + $"{Say.Size(maxBytes)} (raise it with --max-size-mb)");
            var bar = progress?.Invoke(head.Chunked ? -1 : length ?? -1);
            long total = 0;
            void Sink(ReadOnlySpan<byte> data)
            {
                total += data.Length;
                if (total > maxBytes) throw new ToolFailure($"{url}: the download passed the limit of "
                    + $"{Say.Size(maxBytes)} (raise it with --max-size-mb)");
                output.Write(data);
                bar?.Report(total);
            }
            if (head.Chunked) reader.ReadChunked(Sink);
            else reader.ReadBody(length, Sink);
            if (length is { } l && total != l) throw new ToolFailure($"{url}: the connection ended after {total} of "
                + $"{l} bytes");
            bar?.Finish();
            return url;
        }
    }

    private Socket Connect(HttpUrl url)
    {
        var addresses = Resolve(url.Host);
        var socket = TcpConnect.First(addresses, url.Port, timeoutMs, out var why);
        if (socket is not null) return socket;
        throw new ToolFailure($"cannot connect to {url.Host} port {url.Port}: {why}. Is the network up (ip addr), "
            + "and the server running?");
    }

    /// <summary>An address literal, then /etc/hosts, then the system resolver.</summary>
    public static IReadOnlyList<IPAddress> Resolve(string host)
    {
        if (IPAddress.TryParse(host, out var ip)) return [ip];
        try
        {
            if (File.Exists("/etc/hosts") && HostsFile.Lookup(File.ReadAllText("/etc/hosts"),
                host) is { Count: > 0 } fromHosts) return fromHosts;
        }
        catch (IOException) { }
        try
        {
            var found = Dns.GetHostAddresses(host);
            if (found.Length > 0) return found;
        }
        catch (SocketException) { }
        throw new ToolFailure($"cannot resolve the host name '{host}' (no /etc/hosts entry, and the resolver found "
            + "nothing). "
                              + "Use the server's IP address in the URL, or check /etc/resolv.conf");
    }
}

/// <summary>/etc/hosts lookup (pure): the addresses whose line names the host, in file order.</summary>
public static class HostsFile
{
    public static List<IPAddress> Lookup(string text, string host)
    {
        var found = new List<IPAddress>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#')[0];
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2 || !IPAddress.TryParse(words[0], out var a)) continue;
            if (words.Skip(1).Any(w => w.Equals(host, StringComparison.OrdinalIgnoreCase))) found.Add(a);
        }
        return found;
    }
}

/// <summary>Reads an HTTP/1.1 response from a stream: the head up to the empty line (bounded), then the body by
/// length, by chunks, or to the end.</summary>
public sealed class HttpReader(Stream s)
{
    private readonly byte[] _buf = new byte[64 * 1024];
    private int _pos, _len;

    private bool Fill()
    {
        if (_pos < _len) return true;
        _pos = 0;
        _len = s.Read(_buf, 0, _buf.Length);
        return _len > 0;
    }

    public byte[] ReadHead()
    {
        var head = new List<byte>();
        while (true)
        {
            if (!Fill()) throw new ToolFailure("the server closed the connection before sending a complete response head");
            head.Add(_buf[_pos++]);
            var n = head.Count;
            if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n')
                return head.GetRange(0, n - 4).ToArray();
            if (n > HttpResponseHead.MaxHeadBytes) throw new ToolFailure($"the response head is longer than "
                + $"{HttpResponseHead.MaxHeadBytes} bytes");
        }
    }

    /// <summary>Exactly <paramref name="length"/> bytes, or everything until the connection closes when null.</summary>
    public void ReadBody(long? length, SpanSink sink)
    {
        var left = length ?? long.MaxValue;
        while (left > 0 && Fill())
        {
            var n = (int)Math.Min(left, _len - _pos);
            sink(_buf.AsSpan(_pos, n));
            _pos += n;
            left -= n;
        }
    }

    /// <summary>Chunked transfer coding (RFC 9112 7.1): hex size lines (extensions ignored), data, CRLF; size 0 ends
    /// it, then trailer lines up to an empty line.</summary>
    public void ReadChunked(SpanSink sink)
    {
        while (true)
        {
            var line = ReadLine();
            var semi = line.IndexOf(';');
            var hex = (semi < 0 ? line : line[..semi]).Trim();
            if (hex.Length == 0 || hex.Length > 15 || !long.TryParse(hex,
                System.Globalization.NumberStyles.HexNumber, null, out var size))
                throw new ToolFailure($"bad chunk size line '{(line.Length > 40 ? line[..40] : line)}' in a chunked response");
            if (size == 0)
            {
                while (ReadLine().Length > 0) { }
                return;
            }
            var before = 0L;
            ReadBody(size, d => { before += d.Length; sink(d); });
            if (before != size) throw new ToolFailure("the connection ended inside a chunk");
            if (ReadLine().Length != 0) throw new ToolFailure("a chunk is not followed by CRLF");
        }
    }

    private string ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            if (!Fill()) throw new ToolFailure("the connection ended inside a chunked response");
            var b = _buf[_pos++];
            if (b == '\n') return sb.ToString().TrimEnd('\r');
            if (sb.Length > 4096) throw new ToolFailure("a line of the chunked response is too long");
            sb.Append((char)b);
        }
    }
}

public delegate void SpanSink(ReadOnlySpan<byte> data);
