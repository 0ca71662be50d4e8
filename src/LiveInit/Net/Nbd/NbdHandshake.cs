using System.Buffers.Binary;
using System.Text;

namespace LiveInit.Net.Nbd;

/// <summary>What the server said about the export: its size, transmission flags (NBD_FLAG_*) and, after
/// NBD_OPT_GO, its block sizes when it gave them.</summary>
public sealed record NbdExport(string Name, long Size, ushort Flags, uint? MinBlock, uint? PreferredBlock,
    bool NegotiatedWithGo)
{
    public bool ReadOnly => (Flags & NbdProtocol.FlagReadOnly) != 0;

    /// <summary>The logical block size to give the kernel: the server's minimum block size when that is a power of
    /// two from 512 to 4096 that divides the export, else 512 (as nbd-client). Never the preferred size: a larger
    /// logical block than the filesystem's own (ext4 with 1 KiB blocks, iso9660's 2 KiB) cannot be mounted.
    /// </summary>
    public uint KernelBlockSize
    {
        get
        {
            var m = Math.Max(512u, MinBlock ?? 512);
            return m <= 4096 && (m & (m - 1)) == 0 && Size % m == 0 ? m : 512;
        }
    }
}

public sealed class NbdException(string message) : IOException(message);

/// <summary>
/// The client side of the NBD newstyle handshake (the NBD protocol document, "Handshake"): fixed newstyle with
/// NBD_OPT_GO (asking for NBD_INFO_BLOCK_SIZE), falling back to NBD_OPT_EXPORT_NAME when the server does not know
/// GO, or when it speaks plain (not fixed) newstyle. Every length from the server is bounded; anything else is an
/// <see cref="NbdException"/> that names what the server did. The stream is left at the start of the
/// transmission phase, ready to be handed to the kernel.
/// </summary>
public static class NbdHandshake
{
    public const int MaxName = 4096, MaxReplyData = 64 * 1024, MaxReplies = 64;

    public static NbdExport Negotiate(Stream s, string exportName)
    {
        var name = Encoding.UTF8.GetBytes(exportName);
        if (name.Length > MaxName) throw new NbdException($"export name longer than {MaxName} bytes");
        Span<byte> b8 = stackalloc byte[8];
        Read(s, b8, "the greeting");
        if (BinaryPrimitives.ReadUInt64BigEndian(b8) != NbdProtocol.NbdMagic)
            throw new NbdException("not an NBD server (the greeting is not NBDMAGIC)");
        Read(s, b8, "the greeting");
        var second = BinaryPrimitives.ReadUInt64BigEndian(b8);
        if (second == NbdProtocol.OldstyleMagic)
            throw new NbdException("the server speaks the oldstyle protocol, which has no export names; use a newstyle "
                                   + "server (nbdkit, qemu-nbd, nbd-server 3.10 or later)");
        if (second != NbdProtocol.IHaveOpt) throw new NbdException("unknown NBD handshake (neither newstyle nor oldstyle)");
        Span<byte> b2 = stackalloc byte[2];
        Read(s, b2, "the handshake flags");
        var serverFlags = BinaryPrimitives.ReadUInt16BigEndian(b2);
        var fixedNewstyle = (serverFlags & NbdProtocol.FlagFixedNewstyle) != 0;
        var noZeroes = (serverFlags & NbdProtocol.FlagNoZeroes) != 0;
        Span<byte> b4 = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b4, (fixedNewstyle ? NbdProtocol.FlagFixedNewstyle : 0u)
                                                  | (noZeroes ? NbdProtocol.FlagNoZeroes : 0u));
        s.Write(b4);
        if (fixedNewstyle && Go(s, exportName, name) is { } export) return export;
        return ExportName(s, exportName, name, noZeroes);
    }

    /// <summary>NBD_OPT_GO; null when the server does not support it (NBD_REP_ERR_UNSUP).</summary>
    private static NbdExport? Go(Stream s, string exportName, byte[] name)
    {
        var data = new byte[4 + name.Length + 2 + 2];
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)name.Length);
        name.CopyTo(data, 4);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(4 + name.Length), 1);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(6 + name.Length), NbdProtocol.InfoBlockSize);
        SendOption(s, NbdProtocol.OptGo, data);
        long? size = null;
        ushort flags = 0;
        uint? min = null, preferred = null;
        Span<byte> head = stackalloc byte[20];
        for (var i = 0; i < MaxReplies; i++)
        {
            Read(s, head, "an option reply");
            if (BinaryPrimitives.ReadUInt64BigEndian(head) != NbdProtocol.ReplyMagic)
                throw new NbdException("option reply without the reply magic");
            var option = BinaryPrimitives.ReadUInt32BigEndian(head[8..]);
            var type = BinaryPrimitives.ReadUInt32BigEndian(head[12..]);
            var len = BinaryPrimitives.ReadUInt32BigEndian(head[16..]);
            if (option != NbdProtocol.OptGo) throw new NbdException($"reply to option {option}, not to NBD_OPT_GO");
            if (len > MaxReplyData) throw new NbdException($"option reply of {len} bytes (at most {MaxReplyData})");
            var body = new byte[len];
            Read(s, body, "an option reply");
            if (type == NbdProtocol.RepErrUnsup) return null;
            if ((type & NbdProtocol.RepErrBit) != 0)
                throw new NbdException($"the server refused export '{exportName}': {ErrorName(type)}"
                                       + (len > 0 ? $" ({Printable(body)})" : ""));
            if (type == NbdProtocol.RepAck)
            {
                if (size is null) throw new NbdException("the server acknowledged NBD_OPT_GO without the export's size");
                return new NbdExport(exportName, size.Value, flags, min, preferred, true);
            }
            if (type != NbdProtocol.RepInfo || len < 2) continue;
            var info = BinaryPrimitives.ReadUInt16BigEndian(body);
            if (info == NbdProtocol.InfoExport && len >= 12)
            {
                size = Size(BinaryPrimitives.ReadUInt64BigEndian(body.AsSpan(2)));
                flags = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(10));
            }
            else if (info == NbdProtocol.InfoBlockSize && len >= 14)
            {
                min = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(2));
                preferred = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(6));
            }
        }
        throw new NbdException($"more than {MaxReplies} replies to NBD_OPT_GO");
    }

    /// <summary>NBD_OPT_EXPORT_NAME: the server answers with the size and flags, or closes the connection.</summary>
    private static NbdExport ExportName(Stream s, string exportName, byte[] name, bool noZeroes)
    {
        SendOption(s, NbdProtocol.OptExportName, name);
        var reply = new byte[noZeroes ? 10 : 134];
        Read(s, reply, $"the answer to export '{exportName}' (a server closes the connection for an unknown name)");
        var size = Size(BinaryPrimitives.ReadUInt64BigEndian(reply));
        return new NbdExport(exportName, size, BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(8)), null, null, false);
    }

    private static long Size(ulong size) =>
        size is 0 or > long.MaxValue / 2
            ? throw new NbdException($"the export's size {size} is not usable")
            : (long)size;

    private static void SendOption(Stream s, uint option, ReadOnlySpan<byte> data)
    {
        var msg = new byte[16 + data.Length];
        BinaryPrimitives.WriteUInt64BigEndian(msg, NbdProtocol.IHaveOpt);
        BinaryPrimitives.WriteUInt32BigEndian(msg.AsSpan(8), option);
        BinaryPrimitives.WriteUInt32BigEndian(msg.AsSpan(12), (uint)data.Length);
        data.CopyTo(msg.AsSpan(16));
        s.Write(msg);
        s.Flush();
    }

    private static void Read(Stream s, Span<byte> buf, string what)
    {
        try { s.ReadExactly(buf); }
        catch (EndOfStreamException) { throw new NbdException($"the server closed the connection while sending {what}"); }
    }

    private static string ErrorName(uint type) => type switch
    {
        NbdProtocol.RepErrPolicy => "NBD_REP_ERR_POLICY",
        NbdProtocol.RepErrInvalid => "NBD_REP_ERR_INVALID",
        NbdProtocol.RepErrPlatform => "NBD_REP_ERR_PLATFORM",
        NbdProtocol.RepErrTlsReqd => "NBD_REP_ERR_TLS_REQD (this client has no TLS)",
        NbdProtocol.RepErrUnknown => "NBD_REP_ERR_UNKNOWN (no such export)",
        NbdProtocol.RepErrShutdown => "NBD_REP_ERR_SHUTDOWN",
        NbdProtocol.RepErrBlockSizeReqd => "NBD_REP_ERR_BLOCK_SIZE_REQD",
        NbdProtocol.RepErrTooBig => "NBD_REP_ERR_TOO_BIG",
        _ => $"error 0x{type:x8}",
    };

    private static string Printable(byte[] text)
    {
        var s = Encoding.UTF8.GetString(text, 0, Math.Min(text.Length, 200));
        return LiveInit.Text.Chars.Printable(s);
    }
}
