using System.Net;
using System.Net.Sockets;
using System.Text;
using LiveInit.Tools.Common;
using LiveInit.Tools.Net;

namespace LiveInit.Net;

/// <summary>How a download went: bytes, the failed attempts that were retried, the resumes that continued with
/// a Range request (not from zero), the time and the URL finally served.</summary>
public sealed record DownloadResult(long Bytes, int Retries, int Resumes, long ElapsedMs, string FinalUrl);

/// <summary>A download that cannot succeed by trying again (404, too large, a redirect loop, https).</summary>
public sealed class PermanentDownloadError(string message) : IOException(message);

/// <summary>
/// The agent's HTTP/1.1 download (plain http://; names resolve through <see cref="Resolver"/>): one GET per
/// connection; after a dropped connection, a timeout or a 5xx the next try asks for the rest with
/// <c>Range: bytes=N-</c> and <c>If-Range</c> (the ETag or Last-Modified seen first, so a file replaced on the
/// server starts over instead of being spliced), after a backoff of 0.5, 1, 2, 4, 8, 8… s, at most
/// <see cref="MaxAttempts"/> tries. Everything is bounded: the response head (64 KiB), redirects (5), each
/// read (<see cref="TimeoutMs"/>), and the body by the size the caller accepts before anything is written
/// (<c>open</c> gets the announced length and returns where to write, or throws to refuse). A server that
/// ignores Range (200 instead of 206) or answers with another range makes the file start over from zero.
/// </summary>
public sealed class HttpDownload(Resolver resolver, Action<string> log)
{
    public int MaxAttempts { get; init; } = 8;
    public int TimeoutMs { get; init; } = 15_000;
    public const int MaxRedirects = 5;
    /// <summary>The console gets a progress line at most this often (and at 100 %).</summary>
    public int ProgressEveryMs { get; init; } = 2000;

    /// <summary>Downloads <paramref name="url"/>. <paramref name="open"/> is called once, with the total length
    /// when the server announced it (else null), and returns the (seekable) stream to write to, plus the most it
    /// may hold.</summary>
    public DownloadResult Fetch(string url, Func<long?, (Stream Output, long MaxBytes)> open)
    {
        var started = Environment.TickCount64;
        var current = HttpUrl.Parse(url);
        Stream? output = null;
        long maxBytes = 0, offset = 0;
        long? total = null;
        string? validator = null;
        int retries = 0, resumes = 0, redirects = 0;
        var progress = new ProgressLine(log, url, ProgressEveryMs);
        for (var attempt = 1; ; attempt++)
        {
            string? failure;
            try
            {
                using var socket = Connect(current);
                using var plain = new NetworkStream(socket, ownsSocket: false);
                using var net = current.Secure ? Tls.Wrap(plain, current.Host) : plain;
                var range = offset > 0 ? $"Range: bytes={offset}-\r\n" + (validator is null ? "" : $"If-Range: {validator}\r\n") : "";
                net.Write(Encoding.ASCII.GetBytes($"GET {current.Target} HTTP/1.1\r\nHost: {current.HostHeader}\r\n"
                    + $"User-Agent: liveinit/{Cli.Program.Version}\r\nAccept: */*\r\nAccept-Encoding: identity\r\n"
                    + $"{range}Connection: close\r\n\r\n"));
                var reader = new HttpReader(net);
                HttpResponseHead head;
                try { head = HttpResponseHead.Parse(reader.ReadHead()); }
                catch (InvalidDataException e) { throw new PermanentDownloadError($"{current}: {e.Message}"); }
                if (head.IsRedirect)
                {
                    var location = head["Location"] ?? throw new PermanentDownloadError(
                        $"{current}: HTTP {head.Status} redirect without a Location");
                    if (++redirects > MaxRedirects) throw new PermanentDownloadError($"{url}: more than {MaxRedirects} redirects");
                    try { current = current.Resolve(location); }
                    catch (FormatException e) { throw new PermanentDownloadError($"{current}: bad redirect: {e.Message}"); }
                    attempt--;
                    continue;
                }
                long from;
                if (head.Status == 206 && offset > 0 && ContentRange(head["Content-Range"]) is var (start, size)
                    && start == offset && (total is null || size is null || size == total))
                {
                    from = offset;
                    resumes++;
                    log($"resuming {current} at {Say.Size(offset)} of {Say.Size(total ?? size ?? 0)} (HTTP 206)");
                }
                else if (head.Status == 200)
                {
                    if (offset > 0) log($"{current}: the server sent the whole file again (no range support, or it "
                        + "changed); starting over");
                    from = 0;
                }
                else if (head.Status == 416 && total is { } t && offset == t) break;
                else if (head.Status is >= 500 or 408 or 429 or 206)
                    throw new IOException($"{current}: HTTP {head.Status} {head.Reason}");
                else throw new PermanentDownloadError($"{current}: the server answered HTTP {head.Status} {head.Reason}"
                    + (head.Status == 404 ? " (check the URL and the folder parameters against the server's files)" : ""));
                long? length = head.ContentLength;
                var announced = from == 0 ? length : ContentRange(head["Content-Range"])?.Size ?? total;
                if (output is null)
                {
                    (output, maxBytes) = open(announced);
                    total = announced;
                    progress.Total = total;
                }
                validator ??= head["ETag"] is { Length: > 0 and < 200 } etag && !etag.StartsWith("W/", StringComparison.Ordinal)
                    ? etag : head["Last-Modified"] is { Length: > 0 and < 100 } lm ? lm : null;
                if (from == 0 && total is not null && announced is not null && announced != total)
                    throw new IOException($"{current}: the file changed size on the server ({total} -> {announced})");
                if (announced is { } a && a > maxBytes)
                    throw new PermanentDownloadError($"{current} is {a >> 20} MiB, more than the {maxBytes >> 20} MiB "
                        + "that may be used for it");
                if (from == 0) { output.SetLength(0); offset = 0; }
                output.Seek(offset, SeekOrigin.Begin);
                var o = output;
                void Sink(ReadOnlySpan<byte> data)
                {
                    if (offset + data.Length > maxBytes)
                        throw new PermanentDownloadError($"{current}: the download passed the {maxBytes >> 20} MiB that "
                            + "may be used for it");
                    o.Write(data);
                    offset += data.Length;
                    progress.Report(offset);
                }
                if (head.Chunked) reader.ReadChunked(Sink);
                else reader.ReadBody(length, Sink);
                if (total is { } whole ? offset == whole : length is null || offset - from == length) break;
                failure = $"the connection ended after {offset} of {total?.ToString() ?? "?"} bytes";
            }
            catch (PermanentDownloadError) { throw; }
            catch (InvalidDataException e) { throw new PermanentDownloadError($"{current}: {e.Message}"); }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException
                                          or Tools.Common.ToolFailure or ObjectDisposedException)
            {
                failure = e.Message;
            }
            if (attempt >= MaxAttempts)
                throw new IOException($"{url}: {failure}; gave up after {MaxAttempts} tries ({Say.Size(offset)} "
                    + "received). Check the server and the network, then reboot to try again");
            retries++;
            var backoff = Math.Min(8000, 500 << Math.Min(attempt - 1, 4));
            log($"{current}: {failure}; trying again in {backoff / 1000.0:0.#} s (try {attempt + 1} of {MaxAttempts})");
            Thread.Sleep(backoff);
        }
        output!.Flush();
        progress.Done(offset);
        return new DownloadResult(offset, retries, resumes, Environment.TickCount64 - started, current.ToString());
    }

    /// <summary>"bytes START-END/SIZE" (SIZE may be *): the start and the size.</summary>
    internal static (long Start, long? Size)? ContentRange(string? v)
    {
        if (v is null || !v.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase)) return null;
        var rest = v[6..].Trim();
        var slash = rest.IndexOf('/');
        var dash = rest.IndexOf('-');
        if (slash < 0 || dash < 0 || dash > slash) return null;
        if (!long.TryParse(rest[..dash], out var start) || start < 0) return null;
        var sizeText = rest[(slash + 1)..];
        long? size = sizeText == "*" ? null : long.TryParse(sizeText, out var s) && s >= 0 ? s : -1;
        return size == -1 ? null : (start, size);
    }

    private Socket Connect(HttpUrl url)
    {
        IReadOnlyList<IPAddress> addresses;
        try { addresses = resolver.Resolve(url.Host); }
        catch (IOException e) { throw new PermanentDownloadError(e.Message); }
        var socket = TcpConnect.First(addresses.Take(4), url.Port, TimeoutMs, out var why);
        if (socket is not null) return socket;
        throw new IOException($"cannot connect to {url.Host} port {url.Port}: {why}");
    }

    /// <summary>"fetching URL: 45% (12 of 27 MiB, 3.2 MiB/s)" every few seconds.</summary>
    private sealed class ProgressLine(Action<string> log, string url, int everyMs)
    {
        private readonly long _start = Environment.TickCount64;
        private long _last = Environment.TickCount64;
        public long? Total { get; set; }

        public void Report(long done)
        {
            var now = Environment.TickCount64;
            if (now - _last < everyMs) return;
            _last = now;
            log(Line(done, now));
        }

        public void Done(long done) => log(Line(done, Environment.TickCount64) + " done");

        private string Line(long done, long now)
        {
            var rate = done / Math.Max(0.001, (now - _start) / 1000.0) / (1 << 20);
            var pct = Total is > 0 ? $"{done * 100 / Total.Value}% " : "";
            return $"fetching {url}: {pct}({Say.Size(done)} of {Say.Size(Total ?? done)}, {rate:0.0} MiB/s)";
        }
    }
}
