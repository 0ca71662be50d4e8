namespace LiveInit.Plan;

/// <summary>A boot medium served by an NBD server (nbdkit, qemu-nbd, nbd-server): after the network is up, the
/// agent does the newstyle handshake for <see cref="Export"/> on <see cref="Host"/>:<see cref="Port"/> and hands
/// the socket to the kernel's nbd driver as <see cref="Device"/> (index <see cref="Index"/>), which then is the
/// medium. <see cref="Host"/> may be <c>${pxeserver}</c>: the server from ip= or the DHCP lease, as archiso
/// allows. The export is a disk or ISO holding the image (archiso), or the squashfs itself (dracut's root=live:
/// on a squashfs device): then it is mounted as the image straight from the device, nothing copied.</summary>
public sealed record NbdSource(string Host, int Port, string Export, int Index = 0)
{
    public const int DefaultPort = 10809;
    public const string PxeServer = "${pxeserver}";

    public string Device => $"/dev/nbd{Index}";

    public override string ToString() => $"nbd://{Host}:{Port}/{Export}";
}
