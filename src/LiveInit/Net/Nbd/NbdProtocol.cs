namespace LiveInit.Net.Nbd;

/// <summary>Numbers of the NBD wire protocol (the protocol document of the NBD project, doc/proto.md; the same
/// values as <c>nbd-server</c>'s and nbdkit's <c>nbd-protocol.h</c>). The transmission flags also go to the kernel
/// (NBD_ATTR_SERVER_FLAGS), so those are checked against <c>linux/nbd.h</c> by NbdConstantsTests.</summary>
public static class NbdProtocol
{
    public const ulong NbdMagic = 0x4e42444d41474943, IHaveOpt = 0x49484156454F5054, ReplyMagic = 0x0003e889045565a9,
        OldstyleMagic = 0x00420281861253;
    public const ushort FlagFixedNewstyle = 1, FlagNoZeroes = 2;
    public const uint OptExportName = 1, OptAbort = 2, OptGo = 7;
    public const uint RepAck = 1, RepInfo = 3, RepErrBit = 0x80000000;
    public const uint RepErrUnsup = RepErrBit | 1, RepErrPolicy = RepErrBit | 2, RepErrInvalid = RepErrBit | 3,
        RepErrPlatform = RepErrBit | 4, RepErrTlsReqd = RepErrBit | 5, RepErrUnknown = RepErrBit | 6,
        RepErrShutdown = RepErrBit | 7, RepErrBlockSizeReqd = RepErrBit | 8, RepErrTooBig = RepErrBit | 9;
    public const ushort InfoExport = 0, InfoBlockSize = 3;
    /// <summary>Transmission flags (linux/nbd.h NBD_FLAG_HAS_FLAGS, NBD_FLAG_READ_ONLY).</summary>
    public const ushort FlagHasFlags = 1 << 0, FlagReadOnly = 1 << 1;
    public const int DefaultPort = 10809;
}
