namespace LiveInit.Plan;

/// <summary>A boot medium that is an NFS export (archiso's <c>archiso_nfs_srv=host:/path</c>), mounted read-only
/// with the kernel's NFSv4 client: mount(2) with type <c>nfs4</c>, source <c>host:/path</c> and the option string
/// <see cref="Options"/> builds. <c>addr=</c> carries the server's address, so the kernel needs neither
/// mount.nfs nor a DNS lookup; NFSv4 needs no rpcbind and no lockd. <see cref="Host"/> may be
/// <c>${pxeserver}</c> (the server from ip= or the DHCP lease) or a DNS name (resolved by the agent).
/// <see cref="Versions"/>: tried in order until the server accepts one (4.2, 4.1, 4.0; or the one vers= names).
/// <see cref="Extra"/>: the user's own options (archiso_nfs_opt=), appended last so they win.</summary>
public sealed record NfsSource(string Host, string Path, IReadOnlyList<string> Versions, string? Extra)
{
    public static readonly IReadOnlyList<string> DefaultVersions = ["4.2", "4.1", "4.0"];

    /// <summary>The mount(2) data for one version: <c>vers=4.2,addr=10.0.2.2,clientaddr=10.0.2.15[,extra]</c>.
    /// </summary>
    public string Options(string version, string serverAddress, string clientAddress) =>
        $"vers={version},addr={serverAddress},clientaddr={clientAddress}" + (Extra is null ? "" : "," + Extra);

    public override string ToString() => $"{Host}:{Path}";
}
