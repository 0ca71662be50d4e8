using System.Net;
using System.Net.Sockets;

namespace LiveInit.Tools.Net;

/// <summary>One TCP connection to the first of <c>addresses</c> that answers, each tried with a time limit: the
/// boot's download (<c>Net/HttpDownload</c>) and the live system's fetch (<see cref="HttpFetch"/>) both connect
/// this way; each reports a failure in its own terms.</summary>
internal static class TcpConnect
{
    /// <summary>The connected socket (receive/send timeouts set, no Nagle), or null and why none answered.</summary>
    public static Socket? First(IEnumerable<IPAddress> addresses, int port, int timeoutMs, out string? why)
    {
        Exception? last = null;
        foreach (var a in addresses)
        {
            var s = new Socket(a.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
                { ReceiveTimeout = timeoutMs, SendTimeout = timeoutMs, NoDelay = true };
            try
            {
                using var cts = new CancellationTokenSource(timeoutMs);
                s.ConnectAsync(new IPEndPoint(a, port), cts.Token).AsTask().GetAwaiter().GetResult();
                why = null;
                return s;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                s.Dispose();
                last = e;
            }
        }
        why = last is OperationCanceledException ? $"no answer within {timeoutMs / 1000} s" : last?.Message;
        return null;
    }
}
