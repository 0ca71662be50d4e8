using System.Net;
using System.Net.Sockets;
using LiveInit.Net.Nbd;
using LiveInit.Plan;
using LiveInit.Tools.Net;

namespace LiveInit.Boot.Steps;

/// <summary>The boot medium from an NBD server: the nbd module, a TCP connection (retried until the wait ends),
/// the newstyle handshake in userspace, then the socket handed to the kernel over generic netlink as
/// <see cref="NbdSource.Device"/>. The kernel keeps its own reference to the socket; the agent keeps its copy
/// open (never shut down) until execve closes it, so the device stays connected in the live system.</summary>
public sealed class ConnectNbd(NbdSource source, int waitSeconds) : BootStep
{
    /// <summary>How long one attempt waits for the server to accept (the receive limit of the handshake too).</summary>
    private const int ConnectTimeoutMs = 10_000;

    /// <summary>Sockets handed to the kernel: never disposed (a shutdown would cut the kernel's connection).</summary>
    private static readonly List<Socket> Handed = [];

    public override string Describe() =>
        $"connect {source} (NBD newstyle handshake, retried for up to {waitSeconds} s) and hand it to the kernel's "
        + $"nbd driver over generic netlink as {source.Device}";

    public override void Run(BootContext ctx)
    {
        if (!Modules.ModuleLoader.IsLoaded("nbd") && ctx.Modules?.Load("nbd") != true
            && !Modules.ModuleLoader.IsLoaded("nbd"))
            ctx.Log.Warn("the nbd module could not be loaded (build the initramfs with --net or --module nbd); "
                         + "trying anyway, it may be built in");
        var address = Address(ctx);
        var deadline = Environment.TickCount64 + waitSeconds * 1000L;
        var attempt = 0;
        while (true)
        {
            attempt++;
            Socket? socket = null;
            try
            {
                // a server that never answers costs one ConnectTimeoutMs per attempt, not the kernel's SYN retries
                socket = TcpConnect.First([address], source.Port, ConnectTimeoutMs, out var why)
                         ?? throw new IOException($"cannot connect: {why}");
                socket.SendTimeout = 5000;
                NbdExport export;
                using (var stream = new NetworkStream(socket, ownsSocket: false))
                    export = NbdHandshake.Negotiate(stream, source.Export);
                socket.SendTimeout = 0;   // the kernel inherits SO_SNDTIMEO/SO_RCVTIMEO: no timeouts for a root
                socket.ReceiveTimeout = 0;
                var index = NbdKernel.Connect((int)socket.Handle, export, source.Index);
                Handed.Add(socket);
                ctx.Log.Notice($"NBD: {source} ({export.Size >> 20} MiB{(export.ReadOnly ? ", read-only" : "")}, "
                               + $"block size {export.KernelBlockSize}, {(export.NegotiatedWithGo ? "NBD_OPT_GO" : "NBD_OPT_EXPORT_NAME")}) "
                               + $"is /dev/nbd{index}");
                return;
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                socket?.Dispose();
                var fatal = e is NbdException;   // the server answered and refused: retrying will not help
                if (fatal || Environment.TickCount64 >= deadline)
                    throw new BootFailure($"NBD: {source}: {e.Message} (after {attempt} attempt{(attempt == 1 ? "" : "s")})."
                                          + "\nCheck the server (nbdkit, qemu-nbd), the export name and the network.");
                ctx.Log.Info($"NBD: {source}: {e.Message}; retrying");
                Thread.Sleep(1000);
            }
        }
    }

    /// <summary>The server's address: a literal, ${pxeserver} (ip='s server field, else the DHCP server, as
    /// archiso), or a name resolved through the lease's DNS servers.</summary>
    private IPAddress Address(BootContext ctx)
    {
        if (IPAddress.TryParse(source.Host, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork) return ip;
        var lease = ctx.Lease
                    ?? throw new BootFailure($"NBD: {source} needs the network, which is not up: give ip= (ip=dhcp)");
        var host = source.Host == NbdSource.PxeServer ? lease.Server ?? lease.NextServer ?? lease.Gateway : source.Host;
        if (host is null) throw new BootFailure($"NBD: {source}: the lease names no server for {NbdSource.PxeServer}");
        try { return new Net.Resolver(lease.DnsAddresses).Resolve(host)[0]; }
        catch (IOException e) { throw new BootFailure($"NBD: {source}: {e.Message}"); }
    }
}
