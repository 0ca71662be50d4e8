namespace LiveInit.Plan;

public enum IpMethod { Dhcp, Static }

/// <summary>How the network comes up (the kernel's <c>ip=</c>, dracut's forms, PXELINUX/iPXE's <c>BOOTIF=</c>).
/// <see cref="Device"/> names the interface; else <see cref="BootIfMac"/> (from BOOTIF=) picks it by MAC; else
/// the first Ethernet interface with a carrier. Static: <see cref="Address"/>/<see cref="Prefix"/>,
/// <see cref="Gateway"/>, <see cref="Dns"/>. <see cref="Server"/> is ip='s server field (archiso's
/// ${pxeserver}); a DHCP lease fills it from the server's address when empty.</summary>
public sealed record IpPlan(
    IpMethod Method,
    string? Device,
    string? BootIfMac,
    string? Address,
    int Prefix,
    string? Gateway,
    string? Server,
    string? Hostname,
    IReadOnlyList<string> Dns,
    int DhcpTimeoutSeconds,
    int LinkTimeoutSeconds)
{
    public const int DefaultDhcpTimeoutSeconds = 30, DefaultLinkTimeoutSeconds = 15;
}

public enum NetImageKind { Squashfs, Iso }

/// <summary>The root image fetched over HTTP into a tmpfs at <see cref="RamDir"/> (sized with copytoram's
/// budget), then booted as a copy in RAM. An ISO is loop-mounted at <see cref="IsoMountPoint"/> and
/// <see cref="IsoInnerPath"/> inside it is the image. <see cref="Url"/> may hold <c>${pxeserver}</c>.
/// <see cref="ChecksumUrl"/>: archiso's <c>checksum</c>, a .sha512 file whose first word the image must match.</summary>
public sealed record NetImage(string Url, NetImageKind Kind, string RamDir, string? IsoInnerPath, string IsoMountPoint,
    string? ChecksumUrl = null)
{
    public const string DefaultRamDir = "/run/liveinit/netimage", DefaultIsoMountPoint = "/run/liveinit/netiso";
}

/// <summary>The network part of a boot: bring-up (<see cref="Ip"/>), an image over HTTP (<see cref="Image"/>),
/// SRMs over HTTP (<see cref="SrmUrls"/>, <c>liveinit.srm=</c>, fetched into <see cref="SrmDir"/>), the lease
/// files in <see cref="LeaseDir"/>, and whether the addresses are flushed at switch_root
/// (<see cref="FlushAtSwitch"/>: archiso does, dracut leaves them configured).</summary>
public sealed record NetPlan(
    IpPlan Ip,
    NetImage? Image,
    IReadOnlyList<string> SrmUrls,
    string LeaseDir,
    bool FlushAtSwitch,
    string SrmDir = NetPlan.DefaultSrmDir)
{
    public const string DefaultLeaseDir = "/run/liveinit/net", DefaultSrmDir = "/run/liveinit/netsrm";
}
