using System.Buffers.Binary;
using System.Runtime.InteropServices;
using LiveInit.Native.Linux;
using LiveInit.Net.Nbd;

namespace LiveInit.Tests;

/// <summary>The generic-netlink and NBD ABI of Native/Linux/NbdNetlink.cs compared with the C headers by gcc, and
/// the NBD_CMD_CONNECT request laid out as the kernel parses it.</summary>
public class NbdConstantsTests
{
    [Fact]
    public void NetlinkAndNbdConstantsMatchTheCHeaders()
    {
        var src = Path.Combine(Repo.TempDir("nbd-consts"), "c.c");
        File.WriteAllText(src, """
            #include <stdio.h>
            #include <stddef.h>
            #include <linux/netlink.h>
            #include <linux/genetlink.h>
            #include <linux/nbd.h>
            #include <linux/nbd-netlink.h>
            int main(void) {
              printf("%zu %zu %zu %zu %zu %zu %zu %d %d %d %d %d %d %d %d %d %d %d %d %s %d %d %d\n",
                sizeof(struct nlmsghdr), sizeof(struct genlmsghdr), offsetof(struct genlmsghdr, version),
                offsetof(struct genlmsghdr, reserved), sizeof(struct nlattr), offsetof(struct nlattr, nla_type),
                offsetof(struct nlmsghdr, nlmsg_seq),
                NETLINK_GENERIC, NLM_F_REQUEST, NLM_F_ACK, NLMSG_ERROR, NLMSG_DONE, NLA_F_NESTED, NLA_ALIGNTO,
                GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME,
                NBD_GENL_VERSION, NBD_GENL_FAMILY_NAME, NBD_CMD_CONNECT, NBD_CMD_DISCONNECT, NBD_ATTR_INDEX);
              printf("%d %d %d %d %d %d %d %d %d %d %d %d %d\n", NBD_ATTR_SIZE_BYTES, NBD_ATTR_BLOCK_SIZE_BYTES,
                NBD_ATTR_TIMEOUT, NBD_ATTR_SERVER_FLAGS, NBD_ATTR_CLIENT_FLAGS, NBD_ATTR_SOCKETS,
                NBD_ATTR_DEAD_CONN_TIMEOUT, NBD_SOCK_ITEM, NBD_SOCK_FD, NBD_CFLAG_DESTROY_ON_DISCONNECT,
                NBD_CFLAG_DISCONNECT_ON_CLOSE, NBD_FLAG_HAS_FLAGS, NBD_FLAG_READ_ONLY);
              return 0;
            }
            """);
        var exe = src[..^2];
        var (cc, _, err) = Repo.Run("gcc", "-o", exe, src);
        Assert.True(cc == 0, err);
        var lines = Repo.Run(exe).Out.Trim().Split('\n');
        var a = lines[0].Split(' ');
        var b = lines[1].Split(' ');
        string[] expectedA =
        [
            NbdNetlink.NlMsgHdrSize.ToString(), Marshal.SizeOf<GenlMsgHdr>().ToString(),
            Marshal.OffsetOf<GenlMsgHdr>(nameof(GenlMsgHdr.Version)).ToString(),
            Marshal.OffsetOf<GenlMsgHdr>(nameof(GenlMsgHdr.Reserved)).ToString(), Marshal.SizeOf<NlAttr>().ToString(),
            Marshal.OffsetOf<NlAttr>(nameof(NlAttr.Type)).ToString(), "8",
            NbdNetlink.NETLINK_GENERIC.ToString(), NbdNetlink.NLM_F_REQUEST.ToString(), NbdNetlink.NLM_F_ACK.ToString(),
            NbdNetlink.NLMSG_ERROR.ToString(), NbdNetlink.NLMSG_DONE.ToString(), NbdNetlink.NLA_F_NESTED.ToString(),
            NbdNetlink.NLA_ALIGNTO.ToString(), NbdNetlink.GENL_ID_CTRL.ToString(),
            NbdNetlink.CTRL_CMD_GETFAMILY.ToString(), NbdNetlink.CTRL_ATTR_FAMILY_ID.ToString(),
            NbdNetlink.CTRL_ATTR_FAMILY_NAME.ToString(), NbdNetlink.NBD_GENL_VERSION.ToString(),
            NbdNetlink.NBD_GENL_FAMILY_NAME, NbdNetlink.NBD_CMD_CONNECT.ToString(),
            NbdNetlink.NBD_CMD_DISCONNECT.ToString(), NbdNetlink.NBD_ATTR_INDEX.ToString(),
        ];
        Assert.Equal(expectedA, a);
        string[] expectedB =
        [
            NbdNetlink.NBD_ATTR_SIZE_BYTES.ToString(), NbdNetlink.NBD_ATTR_BLOCK_SIZE_BYTES.ToString(),
            NbdNetlink.NBD_ATTR_TIMEOUT.ToString(), NbdNetlink.NBD_ATTR_SERVER_FLAGS.ToString(),
            NbdNetlink.NBD_ATTR_CLIENT_FLAGS.ToString(), NbdNetlink.NBD_ATTR_SOCKETS.ToString(),
            NbdNetlink.NBD_ATTR_DEAD_CONN_TIMEOUT.ToString(), NbdNetlink.NBD_SOCK_ITEM.ToString(),
            NbdNetlink.NBD_SOCK_FD.ToString(), NbdNetlink.NBD_CFLAG_DESTROY_ON_DISCONNECT.ToString(),
            NbdNetlink.NBD_CFLAG_DISCONNECT_ON_CLOSE.ToString(), NbdNetlink.NBD_FLAG_HAS_FLAGS.ToString(),
            NbdNetlink.NBD_FLAG_READ_ONLY.ToString(),
        ];
        Assert.Equal(expectedB, b);
        Assert.Equal(NbdNetlink.NBD_FLAG_READ_ONLY, NbdProtocol.FlagReadOnly);
        Assert.Equal(NbdNetlink.NBD_FLAG_HAS_FLAGS, NbdProtocol.FlagHasFlags);
    }

    [Fact]
    public void ConnectRequestIsLaidOutAsTheKernelParsesIt()
    {
        var export = new NbdExport("live", 5 * 4096, NbdProtocol.FlagHasFlags | NbdProtocol.FlagReadOnly, 512, 4096, true);
        var m = NbdKernel.ConnectRequest(0x1d, 7, 42, export, 0);
        // nlmsghdr: length, family id, REQUEST|ACK, seq 7, pid 0; genlmsghdr: NBD_CMD_CONNECT, version 1
        Assert.Equal((uint)m.Length, BinaryPrimitives.ReadUInt32LittleEndian(m));
        Assert.Equal(0x1d, BinaryPrimitives.ReadUInt16LittleEndian(m.AsSpan(4)));
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(m.AsSpan(6)));
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan(8)));
        Assert.Equal(new byte[] { 1, 1, 0, 0 }, m[16..20]);
        // the attributes, read back with the reply parser: every 4-byte aligned, u64 little-endian
        var attrs = new NetlinkReply(0x1d, 7, m[16..]).GenlAttributes();
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(attrs[NbdNetlink.NBD_ATTR_INDEX]));
        Assert.Equal(20480ul, BinaryPrimitives.ReadUInt64LittleEndian(attrs[NbdNetlink.NBD_ATTR_SIZE_BYTES]));
        Assert.Equal(512ul, BinaryPrimitives.ReadUInt64LittleEndian(attrs[NbdNetlink.NBD_ATTR_BLOCK_SIZE_BYTES]));
        Assert.Equal(4096u, (export with { MinBlock = 4096 }).KernelBlockSize);
        Assert.Equal(512u, (export with { MinBlock = 8192 }).KernelBlockSize);
        Assert.Equal(512u, (export with { MinBlock = 4096, Size = 4096 * 5 + 512 }).KernelBlockSize);
        Assert.Equal(3ul, BinaryPrimitives.ReadUInt64LittleEndian(attrs[NbdNetlink.NBD_ATTR_SERVER_FLAGS]));
        // SOCKETS (nested) holds SOCK_ITEM (nested) holds SOCK_FD = 42
        var sockets = attrs[NbdNetlink.NBD_ATTR_SOCKETS];
        Assert.Equal(new byte[] { 12, 0, 1, 0x80, 8, 0, 1, 0, 42, 0, 0, 0 }, sockets);
        var tail = m[^16..];
        Assert.Equal(new byte[] { 16, 0, 7, 0x80 }, tail[..4]);
        // the family request: a NUL-terminated "nbd", padded
        var f = NbdKernel.FamilyRequest(1);
        Assert.Equal(new byte[] { 8, 0, 2, 0, (byte)'n', (byte)'b', (byte)'d', 0 }, f[20..]);
    }

    [Fact]
    public void RepliesAreParsedWithinBounds()
    {
        // an ack (NLMSG_ERROR 0) and an error (-ENOENT), in one datagram, then junk with a length past the end
        var d = new byte[36 + 36 + 8];
        void Err(int at, int error)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(at), 36);
            BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(at + 4), NbdNetlink.NLMSG_ERROR);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(at + 8), 3);
            BinaryPrimitives.WriteInt32LittleEndian(d.AsSpan(at + 16), error);
        }
        Err(0, 0);
        Err(36, -2);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(72), 9999);
        var r = NetlinkReply.Parse(d);
        Assert.Equal(2, r.Count);
        Assert.Equal(0, r[0].Error);
        Assert.Equal(-2, r[1].Error);
        Assert.Empty(NetlinkReply.Parse(new byte[10]));
        var rng = new Random(3);
        for (var i = 0; i < 5000; i++)
        {
            var junk = new byte[rng.Next(0, 200)];
            rng.NextBytes(junk);
            foreach (var m in NetlinkReply.Parse(junk)) _ = m.GenlAttributes();
        }
    }
}
