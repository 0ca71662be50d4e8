using System.Numerics;

namespace LiveInit.Verify;

/// <summary>RSA with PKCS#1 v1.5 signatures (RFC 8017 8.2.2): s^e mod n is encoded back to bytes and compared
/// whole with the encoding expected for the digest (00 01 FF.. 00 DigestInfo), never parsed. SHA-256 and
/// SHA-512 DigestInfos are known. Keys of 2048 to 8192 bits.</summary>
public sealed class RsaPublicKey : PublicKey
{
    public const int MinBits = 2048, MaxBits = 8192;

    private static readonly byte[] Sha256Info =
        [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];
    private static readonly byte[] Sha512Info =
        [0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40];

    private readonly BigInteger _n, _e;
    private readonly int _k;

    public RsaPublicKey(BigInteger n, BigInteger e, byte[] spki) : base(spki)
    {
        var bits = (int)n.GetBitLength();
        if (bits < MinBits) throw new FormatException($"RSA key of {bits} bits: at least {MinBits} are required");
        if (bits > MaxBits) throw new FormatException($"RSA key of {bits} bits: at most {MaxBits} are supported");
        if (n.IsEven) throw new FormatException("RSA modulus is even");
        if (e < 3 || e.IsEven || e >= n) throw new FormatException("RSA public exponent is not an odd number >= 3");
        (_n, _e, _k) = (n, e, (bits + 7) / 8);
        Bits = bits;
    }

    public int Bits { get; }
    public override string Kind => $"RSA-{Bits}";

    public override HashKind? HashFor(ReadOnlySpan<byte> signature)
    {
        var em = Recover(signature);
        if (em is null) return null;
        foreach (var kind in new[] { HashKind.Sha256, HashKind.Sha512 })
        {
            var expected = Encode(kind, new byte[DigestLength(kind)]);
            var prefix = expected.Length - DigestLength(kind);
            if (FixedTimeEquals(em.AsSpan(0, prefix), expected.AsSpan(0, prefix))) return kind;
        }
        return null;
    }

    public override bool Verify(ReadOnlySpan<byte> signature, HashKind hash, ReadOnlySpan<byte> digest)
    {
        if (digest.Length != DigestLength(hash)) return false;
        var em = Recover(signature);
        return em is not null && FixedTimeEquals(em, Encode(hash, digest));
    }

    public static int DigestLength(HashKind kind) => kind == HashKind.Sha256 ? 32 : 64;

    /// <summary>EM = s^e mod n as k bytes, or null when the signature is not k bytes or not below n.</summary>
    private byte[]? Recover(ReadOnlySpan<byte> signature)
    {
        if (signature.Length != _k) return null;
        var s = new BigInteger(signature, isUnsigned: true, isBigEndian: true);
        if (s >= _n) return null;
        var m = BigInteger.ModPow(s, _e, _n);
        var bytes = m.ToByteArray(isUnsigned: true, isBigEndian: true);
        var em = new byte[_k];
        bytes.CopyTo(em, _k - bytes.Length);
        return em;
    }

    /// <summary>EMSA-PKCS1-v1_5: 00 01 FF..FF 00 DigestInfo digest, k bytes.</summary>
    private byte[] Encode(HashKind kind, ReadOnlySpan<byte> digest)
    {
        var info = kind == HashKind.Sha256 ? Sha256Info : Sha512Info;
        var em = new byte[_k];
        var t = info.Length + digest.Length;
        em[1] = 0x01;
        for (var i = 2; i < _k - t - 1; i++) em[i] = 0xff;
        info.CopyTo(em, _k - t);
        digest.CopyTo(em.AsSpan(_k - digest.Length));
        return em;
    }
}
