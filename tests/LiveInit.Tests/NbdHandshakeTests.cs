using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LiveInit.Net.Nbd;

namespace LiveInit.Tests;

/// <summary>The NBD newstyle handshake against nbdkit on 127.0.0.1 (fixed newstyle with NBD_OPT_GO, plain newstyle
/// with NBD_OPT_EXPORT_NAME, an unknown export, oldstyle), then one NBD_CMD_READ to prove the stream is left at the
/// start of the transmission phase; and against a hostile fake server.</summary>
public class NbdHandshakeTests
{
    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private sealed class Nbdkit : IDisposable
    {
        private readonly Process _p;
        public int Port { get; } = FreePort();

        public Nbdkit(params string[] args)
        {
            var psi = new ProcessStartInfo("nbdkit") { UseShellExecute = false, RedirectStandardError = true };
            foreach (var a in new[] { "-f", "--exit-with-parent", "-i", "127.0.0.1", "-p", Port.ToString() }.Concat(args))
                psi.ArgumentList.Add(a);
            _p = Process.Start(psi)!;
            var until = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                try { using var c = new TcpClient("127.0.0.1", Port); return; }
                catch (SocketException) when (DateTime.UtcNow < until && !_p.HasExited) { Thread.Sleep(50); }
            }
        }

        public NetworkStream Connect()
        {
            var c = new TcpClient("127.0.0.1", Port) { ReceiveTimeout = 10_000, SendTimeout = 10_000 };
            return c.GetStream();
        }

        public void Dispose()
        {
            try { _p.Kill(); _p.WaitForExit(5000); } catch (InvalidOperationException) { }
            _p.Dispose();
        }
    }

    private static (string Path, byte[] Bytes) Image(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var path = Path.Combine(Repo.TempDir("nbd"), "image");
        File.WriteAllBytes(path, bytes);
        return (path, bytes);
    }

    /// <summary>NBD_CMD_READ of <paramref name="length"/> bytes at <paramref name="offset"/> (simple reply).</summary>
    private static byte[] ReadBlock(Stream s, long offset, int length)
    {
        var req = new byte[28];
        BinaryPrimitives.WriteUInt32BigEndian(req, 0x25609513);
        BinaryPrimitives.WriteUInt64BigEndian(req.AsSpan(8), 0x1234);
        BinaryPrimitives.WriteUInt64BigEndian(req.AsSpan(16), (ulong)offset);
        BinaryPrimitives.WriteUInt32BigEndian(req.AsSpan(24), (uint)length);
        s.Write(req);
        var head = new byte[16];
        s.ReadExactly(head);
        Assert.Equal(0x67446698u, BinaryPrimitives.ReadUInt32BigEndian(head));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(4)));
        Assert.Equal(0x1234ul, BinaryPrimitives.ReadUInt64BigEndian(head.AsSpan(8)));
        var data = new byte[length];
        s.ReadExactly(data);
        return data;
    }

    [Fact]
    public void FixedNewstyleGoNegotiatesTheNamedExportAndLeavesTheStreamReadyForTransmission()
    {
        var (path, bytes) = Image(3 * 1024 * 1024);
        using var server = new Nbdkit("-r", "--filter=exportname", "--filter=blocksize-policy", "file", path,
            "exportname=live", "exportname-strict=true", "blocksize-preferred=65536", "blocksize-minimum=4096");
        using var s = server.Connect();
        var e = NbdHandshake.Negotiate(s, "live");
        Assert.True(e.NegotiatedWithGo);
        Assert.Equal(bytes.Length, e.Size);
        Assert.True(e.ReadOnly);
        Assert.Equal(65536u, e.PreferredBlock);
        Assert.Equal(4096u, e.MinBlock);
        Assert.Equal(4096u, e.KernelBlockSize);
        Assert.Equal(bytes.AsSpan(1_000_000, 4096).ToArray(), ReadBlock(s, 1_000_000, 4096));
        Assert.Equal(bytes.AsSpan(bytes.Length - 512).ToArray(), ReadBlock(s, bytes.Length - 512, 512));

        using var s2 = server.Connect();
        var refused = Assert.Throws<NbdException>(() => NbdHandshake.Negotiate(s2, "nope"));
        Assert.Contains("refused export 'nope'", refused.Message);
    }

    [Fact]
    public void PlainNewstyleFallsBackToExportName()
    {
        var (path, bytes) = Image(1024 * 1024 + 512);
        // handshake flags masked: no NBD_FLAG_FIXED_NEWSTYLE, no NBD_FLAG_NO_ZEROES (the 124 zero bytes follow)
        using var server = new Nbdkit("--mask-handshake=0", "file", path);
        using var s = server.Connect();
        var e = NbdHandshake.Negotiate(s, "");
        Assert.False(e.NegotiatedWithGo);
        Assert.Equal(bytes.Length, e.Size);
        Assert.False(e.ReadOnly);
        Assert.Equal(512u, e.KernelBlockSize);   // no block size info: 512
        Assert.Equal(bytes.AsSpan(4096, 1024).ToArray(), ReadBlock(s, 4096, 1024));
    }

    [Fact]
    public void OldstyleServersAreRefusedWithAReason()
    {
        var (path, _) = Image(65536);
        using var server = new Nbdkit("--oldstyle", "file", path);
        using var s = server.Connect();
        Assert.Contains("oldstyle", Assert.Throws<NbdException>(() => NbdHandshake.Negotiate(s, "x")).Message);
    }

    /// <summary>A fake server: the newstyle greeting, then <paramref name="after"/> (once the client's flags and
    /// first option arrived), then the connection closes.</summary>
    private static string Hostile(Func<byte[]> after)
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        var serve = Task.Run(() =>
        {
            using var c = l.AcceptTcpClient();
            using var st = c.GetStream();
            var greet = new byte[18];
            BinaryPrimitives.WriteUInt64BigEndian(greet, NbdProtocol.NbdMagic);
            BinaryPrimitives.WriteUInt64BigEndian(greet.AsSpan(8), NbdProtocol.IHaveOpt);
            BinaryPrimitives.WriteUInt16BigEndian(greet.AsSpan(16), 3);
            st.Write(greet);
            var buf = new byte[4 + 16 + 4 + 1 + 4];   // client flags, option header, name length, "x", info request
            st.ReadExactly(buf);
            st.Write(after());
        });
        try
        {
            using var c = new TcpClient("127.0.0.1", port) { ReceiveTimeout = 10_000 };
            return Assert.Throws<NbdException>(() => NbdHandshake.Negotiate(c.GetStream(), "x")).Message;
        }
        finally { serve.Wait(10_000); l.Stop(); }
    }

    private static byte[] Reply(uint option, uint type, uint len)
    {
        var r = new byte[20];
        BinaryPrimitives.WriteUInt64BigEndian(r, NbdProtocol.ReplyMagic);
        BinaryPrimitives.WriteUInt32BigEndian(r.AsSpan(8), option);
        BinaryPrimitives.WriteUInt32BigEndian(r.AsSpan(12), type);
        BinaryPrimitives.WriteUInt32BigEndian(r.AsSpan(16), len);
        return r;
    }

    [Fact]
    public void HostileRepliesAreBoundedAndNamed()
    {
        Assert.Contains("at most 65536", Hostile(() => Reply(NbdProtocol.OptGo, NbdProtocol.RepInfo, 0x7fffffff)));
        Assert.Contains("closed the connection", Hostile(() => []));
        Assert.Contains("without the export's size", Hostile(() => Reply(NbdProtocol.OptGo, NbdProtocol.RepAck, 0)));
        Assert.Contains("not to NBD_OPT_GO", Hostile(() => Reply(99, NbdProtocol.RepAck, 0)));
        Assert.Contains("reply magic", Hostile(() => new byte[20]));
        Assert.Contains("more than 64 replies", Hostile(() =>
            Enumerable.Range(0, 70).SelectMany(_ => Reply(NbdProtocol.OptGo, 0x1234, 0)).ToArray()));
        Assert.Contains("refused export 'x': NBD_REP_ERR_POLICY (go away??)", Hostile(() =>
            [.. Reply(NbdProtocol.OptGo, NbdProtocol.RepErrPolicy, 9), .. "go away\n"u8, 0]));
    }
}
