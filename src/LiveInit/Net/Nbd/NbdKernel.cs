using System.Buffers.Binary;
using LiveInit.Native;
using LiveInit.Native.Linux;

namespace LiveInit.Net.Nbd;

/// <summary>Configures the kernel's NBD client over its generic-netlink interface (linux/nbd-netlink.h), as
/// nbd-client -netlink does: the family id of "nbd" from the controller, then NBD_CMD_CONNECT with the export's
/// size, block size and transmission flags and the connected socket (after the handshake). The kernel picks a free
/// device (or the one asked for) and answers with its index; it holds its own reference to the socket from then on.</summary>
public static class NbdKernel
{
    public const int ReplyTimeoutMs = 5000;

    /// <summary>The NBD_CMD_CONNECT request (pure, for tests and for <see cref="Connect"/>).</summary>
    public static byte[] ConnectRequest(ushort family, uint seq, int socketFd, NbdExport export, int index) =>
        new GenlMessage(family, NbdNetlink.NLM_F_REQUEST | NbdNetlink.NLM_F_ACK, seq, NbdNetlink.NBD_CMD_CONNECT,
                NbdNetlink.NBD_GENL_VERSION)
            .U32(NbdNetlink.NBD_ATTR_INDEX, (uint)index)
            .U64(NbdNetlink.NBD_ATTR_SIZE_BYTES, (ulong)export.Size)
            .U64(NbdNetlink.NBD_ATTR_BLOCK_SIZE_BYTES, export.KernelBlockSize)
            .U64(NbdNetlink.NBD_ATTR_SERVER_FLAGS, export.Flags)
            .U64(NbdNetlink.NBD_ATTR_CLIENT_FLAGS, 0)
            .Begin(NbdNetlink.NBD_ATTR_SOCKETS)
            .Begin(NbdNetlink.NBD_SOCK_ITEM)
            .U32(NbdNetlink.NBD_SOCK_FD, (uint)socketFd)
            .End()
            .End()
            .ToArray();

    public static byte[] FamilyRequest(uint seq) =>
        new GenlMessage(NbdNetlink.GENL_ID_CTRL, NbdNetlink.NLM_F_REQUEST, seq, NbdNetlink.CTRL_CMD_GETFAMILY, 1)
            .String(NbdNetlink.CTRL_ATTR_FAMILY_NAME, NbdNetlink.NBD_GENL_FAMILY_NAME)
            .ToArray();

    /// <summary>Connects <paramref name="socketFd"/> (a TCP socket after the handshake) as /dev/nbd<paramref
    /// name="index"/>; the index the kernel answers with.</summary>
    public static int Connect(int socketFd, NbdExport export, int index)
    {
        using var nl = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_DGRAM, NbdNetlink.NETLINK_GENERIC);
        Libc.Write(nl, FamilyRequest(1), "genetlink controller");
        var family = Reply(nl, 1, acked: false, "the nbd family", r =>
            r.Type == NbdNetlink.GENL_ID_CTRL
            && r.GenlAttributes().TryGetValue(NbdNetlink.CTRL_ATTR_FAMILY_ID, out var id) && id.Length >= 2
                ? BinaryPrimitives.ReadUInt16LittleEndian(id)
                : (int?)null,
            errno => errno == Errno.ENOENT
                ? "the kernel has no \"nbd\" netlink family: the nbd module is not loaded (is it in the initramfs?)"
                : null);
        Libc.Write(nl, ConnectRequest((ushort)family, 2, socketFd, export, index), "nbd netlink");
        return Reply(nl, 2, acked: true, "NBD_CMD_CONNECT", r =>
            r.Type == family && r.GenlAttributes().TryGetValue(NbdNetlink.NBD_ATTR_INDEX, out var ix) && ix.Length >= 4
                ? (int)BinaryPrimitives.ReadUInt32LittleEndian(ix)
                : null, _ => null);
    }

    /// <summary>Reads replies to <paramref name="seq"/> until <paramref name="pick"/> found its value and, for a
    /// request with NLM_F_ACK (<paramref name="acked"/>), the acknowledgement came; an error reply is an
    /// <see cref="IOException"/> naming the errno.</summary>
    private static int Reply(SafeFd nl, uint seq, bool acked, string what, Func<NetlinkReply, int?> pick,
        Func<int, string?> explain)
    {
        var buf = new byte[16384];
        int? value = null;
        var deadline = Environment.TickCount64 + ReplyTimeoutMs;
        while (Environment.TickCount64 < deadline)
        {
            if (!Libc.PollIn(nl, (int)Math.Max(1, deadline - Environment.TickCount64))) continue;
            var n = Libc.Recv(nl, buf);
            foreach (var r in NetlinkReply.Parse(buf.AsSpan(0, n)))
            {
                if (r.Seq != seq) continue;
                if (r.Error is { } err)
                {
                    if (err == 0) return value ?? throw new IOException($"{what}: acknowledged without an answer");
                    var errno = -err;
                    throw new IOException($"{what}: {explain(errno) ?? Errno.Describe(errno)}");
                }
                value ??= pick(r);
                if (value is not null && !acked) return value.Value;
            }
        }
        throw new IOException($"{what}: no answer from the kernel within {ReplyTimeoutMs} ms");
    }
}
