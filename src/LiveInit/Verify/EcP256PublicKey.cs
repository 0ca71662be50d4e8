using System.Numerics;

namespace LiveInit.Verify;

/// <summary>ECDSA over P-256 with SHA-256 (FIPS 186-4 6.4): the signature is DER
/// <c>SEQUENCE { INTEGER r, INTEGER s }</c> as <c>openssl dgst -sha256 -sign</c> writes it. The key is an
/// uncompressed point, checked to be on the curve.</summary>
public sealed class EcP256PublicKey : PublicKey
{
    private readonly BigInteger _x, _y;

    public EcP256PublicKey(ReadOnlySpan<byte> point, byte[] spki) : base(spki)
    {
        if (point.Length != 65 || point[0] != 0x04)
            throw new FormatException("EC public key is not an uncompressed P-256 point (04 || X || Y)");
        _x = new BigInteger(point.Slice(1, 32), isUnsigned: true, isBigEndian: true);
        _y = new BigInteger(point.Slice(33, 32), isUnsigned: true, isBigEndian: true);
        if (!P256.IsOnCurve(_x, _y)) throw new FormatException("EC public key is not a point on P-256");
    }

    public override string Kind => "ECDSA P-256";

    public override HashKind? HashFor(ReadOnlySpan<byte> signature) =>
        TryParse(signature, out _, out _) ? HashKind.Sha256 : null;

    public override bool Verify(ReadOnlySpan<byte> signature, HashKind hash, ReadOnlySpan<byte> digest)
    {
        if (hash != HashKind.Sha256 || digest.Length != 32) return false;
        if (!TryParse(signature, out var r, out var s)) return false;
        if (r.IsZero || s.IsZero || r >= P256.N || s >= P256.N) return false;
        var e = new BigInteger(digest, isUnsigned: true, isBigEndian: true);
        var w = BigInteger.ModPow(s, P256.N - 2, P256.N);
        var u1 = e * w % P256.N;
        var u2 = r * w % P256.N;
        var x = P256.LinearCombinationX(u1, u2, _x, _y);
        return x is { } v && v % P256.N == r;
    }

    private static bool TryParse(ReadOnlySpan<byte> signature, out BigInteger r, out BigInteger s)
    {
        r = s = BigInteger.Zero;
        try
        {
            var outer = new DerReader(signature);
            var seq = new DerReader(outer.Read(DerReader.Sequence, "ECDSA signature"));
            if (!outer.AtEnd) return false;
            r = seq.ReadUnsignedInteger("ECDSA r", 32);
            s = seq.ReadUnsignedInteger("ECDSA s", 32);
            return seq.AtEnd;
        }
        catch (FormatException) { return false; }
    }
}
