using System.Net;
using System.Net.Sockets;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>The boot medium from an NFS export (archiso_pxe_nfs), with the kernel's own NFSv4 client: the nfsv4
/// module (nfs, sunrpc, … come with it), then mount(2) of <c>host:/path</c> with type <c>nfs4</c>, read-only,
/// and <c>vers=…,addr=SERVER,clientaddr=OURS</c>: with addr= the kernel needs no mount.nfs, no DNS and no rpcbind.
/// Versions are tried newest first; an unreachable server is retried until the medium's wait ends.</summary>
public sealed class MountNfs(NfsSource source, MediumPlan medium) : BootStep
{
    // errno values the kernel's NFS client gives back (asm-generic/errno.h)
    private const int EPROTONOSUPPORT = 93, ENETUNREACH = 101, ECONNRESET = 104, ECONNREFUSED = 111,
        EHOSTUNREACH = 113;

    /// <summary>Errors worth retrying: the server (or the route to it) is not there yet.</summary>
    private static readonly int[] Transient =
        [Errno.ETIMEDOUT, Errno.EIO, Errno.EAGAIN, ENETUNREACH, ECONNRESET, ECONNREFUSED, EHOSTUNREACH];

    public override string Describe() =>
        $"mount the NFS export {source} read-only at {medium.MountPoint} with the kernel's NFSv4 client "
        + $"(type nfs4, vers={string.Join(" then ", source.Versions)}, options "
        + $"{source.Options("<v>", "<server>", "<our address>")}; retried for up to {medium.WaitSeconds} s)";

    public override void Run(BootContext ctx)
    {
        if (!Modules.ModuleLoader.IsLoaded("nfsv4") && ctx.Modules?.Load("nfsv4") != true
            && !Modules.ModuleLoader.IsLoaded("nfsv4"))
            ctx.Log.Warn("the nfsv4 module could not be loaded (build the initramfs with --net or --module nfsv4); "
                         + "trying anyway, it may be built in");
        var lease = ctx.Lease
                    ?? throw new BootFailure($"NFS: {source} needs the network, which is not up: give ip= (ip=dhcp)");
        var server = Address(lease).ToString();
        Libc.MkdirAll(medium.MountPoint);
        // the name in the source is what /proc/mounts shows; addr= is what the kernel connects to
        var what = source.Host == NbdSource.PxeServer ? $"{server}:{source.Path}" : source.ToString();
        var deadline = Environment.TickCount64 + Math.Max(1, medium.WaitSeconds) * 1000L;
        for (var attempt = 1; ; attempt++)
        {
            var errors = new List<string>();
            var err = 0;
            foreach (var version in source.Versions)
            {
                var options = source.Options(version, server, lease.Address);
                err = Libc.TryMount(what, medium.MountPoint, "nfs4", Libc.MS_RDONLY | Libc.MS_NOSUID | Libc.MS_NODEV,
                    options);
                if (err == 0)
                {
                    ctx.Log.Notice($"NFS: {what} mounted at {medium.MountPoint} (nfs4 -o {options})");
                    return;
                }
                errors.Add($"vers={version}: {Errno.Describe(err)}");
                if (err != EPROTONOSUPPORT) break;   // only "this version is not served" moves on to the next
            }
            var last = string.Join("; ", errors);
            if (!Transient.Contains(err) || Environment.TickCount64 >= deadline)
                throw new BootFailure($"NFS: cannot mount {what}: {last} (after {attempt} attempt"
                    + $"{(attempt == 1 ? "" : "s")}).\nCheck that the server exports {source.Path} over NFSv4 to this "
                    + "machine (ENOENT: no such export; EACCES: not exported to us; EPROTONOSUPPORT: no NFSv4), the "
                    + "port (archiso_nfs_opt=port=N) and the network");
            ctx.Log.Info($"NFS: {what}: {last}; retrying");
            Thread.Sleep(1000);
        }
    }

    /// <summary>The server's address: a literal, ${pxeserver} (ip='s server field, else the DHCP server, as
    /// archiso), or a name resolved through the lease's DNS servers.</summary>
    private IPAddress Address(Net.NetLease lease)
    {
        if (IPAddress.TryParse(source.Host, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork) return ip;
        var host = source.Host == NbdSource.PxeServer ? lease.Server ?? lease.NextServer ?? lease.Gateway : source.Host;
        if (host is null) throw new BootFailure($"NFS: {source}: the lease names no server for {NbdSource.PxeServer}");
        try { return new Net.Resolver(lease.DnsAddresses).Resolve(host)[0]; }
        catch (IOException e) { throw new BootFailure($"NFS: {source}: {e.Message}"); }
    }
}
