using System.Globalization;
using System.Numerics;

namespace LiveInit.Verify;

/// <summary>The NIST P-256 curve (secp256r1, FIPS 186-4 D.1.2.3): y^2 = x^3 - 3x + b over GF(p), and the
/// point arithmetic an ECDSA check needs, in Jacobian coordinates (Z = 0 is the point at infinity). Only public
/// data passes through here, so nothing needs to run in constant time.</summary>
public static class P256
{
    public static readonly BigInteger P = Hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    public static readonly BigInteger N = Hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    public static readonly BigInteger B = Hex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");
    public static readonly BigInteger Gx = Hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296");
    public static readonly BigInteger Gy = Hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");

    public readonly record struct Point(BigInteger X, BigInteger Y, BigInteger Z)
    {
        public bool IsInfinity => Z.IsZero;
    }

    public static bool IsOnCurve(BigInteger x, BigInteger y) =>
        x >= 0 && x < P && y >= 0 && y < P && Mod(y * y - (x * x * x - 3 * x + B)) == 0;

    /// <summary>u1*G + u2*Q, both multiplications in one pass over the bits (Shamir's trick); null at
    /// infinity. Returns the affine x.</summary>
    public static BigInteger? LinearCombinationX(BigInteger u1, BigInteger u2, BigInteger qx, BigInteger qy)
    {
        var g = new Point(Gx, Gy, 1);
        var q = new Point(qx, qy, 1);
        var gq = Add(g, q);
        var r = new Point(1, 1, 0);
        var bits = (int)Math.Max(u1.GetBitLength(), u2.GetBitLength());
        for (var i = bits - 1; i >= 0; i--)
        {
            r = Double(r);
            bool a = !(u1 >> i).IsEven, b = !(u2 >> i).IsEven;
            if (a && b) r = Add(r, gq);
            else if (a) r = Add(r, g);
            else if (b) r = Add(r, q);
        }
        if (r.IsInfinity) return null;
        var zInv = BigInteger.ModPow(r.Z, P - 2, P);
        return Mod(r.X * zInv * zInv);
    }

    /// <summary>Doubling with a = -3 (dbl-2001-b).</summary>
    public static Point Double(Point p)
    {
        if (p.IsInfinity || p.Y.IsZero) return new Point(1, 1, 0);
        var delta = Mod(p.Z * p.Z);
        var gamma = Mod(p.Y * p.Y);
        var beta = Mod(p.X * gamma);
        var alpha = Mod(3 * (p.X - delta) * (p.X + delta));
        var x3 = Mod(alpha * alpha - 8 * beta);
        var z3 = Mod((p.Y + p.Z) * (p.Y + p.Z) - gamma - delta);
        var y3 = Mod(alpha * (4 * beta - x3) - 8 * gamma * gamma);
        return new Point(x3, y3, z3);
    }

    /// <summary>General addition (add-2007-bl), falling back to doubling for equal points.</summary>
    public static Point Add(Point p, Point q)
    {
        if (p.IsInfinity) return q;
        if (q.IsInfinity) return p;
        var z1z1 = Mod(p.Z * p.Z);
        var z2z2 = Mod(q.Z * q.Z);
        var u1 = Mod(p.X * z2z2);
        var u2 = Mod(q.X * z1z1);
        var s1 = Mod(p.Y * q.Z * z2z2);
        var s2 = Mod(q.Y * p.Z * z1z1);
        var h = Mod(u2 - u1);
        var r = Mod(2 * (s2 - s1));
        if (h.IsZero) return r.IsZero ? Double(p) : new Point(1, 1, 0);
        var i = Mod(4 * h * h);
        var j = Mod(h * i);
        var v = Mod(u1 * i);
        var x3 = Mod(r * r - j - 2 * v);
        var y3 = Mod(r * (v - x3) - 2 * s1 * j);
        var z3 = Mod(((p.Z + q.Z) * (p.Z + q.Z) - z1z1 - z2z2) * h);
        return new Point(x3, y3, z3);
    }

    private static BigInteger Mod(BigInteger a)
    {
        var m = a % P;
        return m.Sign < 0 ? m + P : m;
    }

    private static BigInteger Hex(string s) => BigInteger.Parse("0" + s, NumberStyles.HexNumber);
}
