using System.Text;

namespace LiveInit.Verify;

/// <summary>Reads a public key: PEM <c>PUBLIC KEY</c> (SubjectPublicKeyInfo, what <c>openssl pkey -pubout</c>
/// writes), PEM <c>RSA PUBLIC KEY</c> (PKCS#1), or the same as DER. RSA and EC P-256 keys are known. A private
/// key is refused, so it can never be baked into an image by mistake. Bad input is a
/// <see cref="FormatException"/> that says what the file is and what to give instead.</summary>
public static class KeyFile
{
    public const int MaxBytes = 16 * 1024;

    private static readonly byte[] RsaOid = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    private static readonly byte[] EcOid = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    private static readonly byte[] P256Oid = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

    public static PublicKey Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes) throw new FormatException($"larger than {MaxBytes} bytes: not a public key");
        if (bytes.Length > 0 && bytes[0] == DerReader.Sequence) return FromSpki(bytes.ToArray());
        var text = Encoding.ASCII.GetString(bytes);
        if (text.Contains("PRIVATE KEY", StringComparison.Ordinal))
            throw new FormatException("this is a PRIVATE key: give the public one "
                                      + "(openssl pkey -in key.pem -pubout -out key.pub.pem)");
        if (Block(text, "PUBLIC KEY") is { } spki) return FromSpki(spki);
        if (Block(text, "RSA PUBLIC KEY") is { } pkcs1) return FromSpki(RsaSpki(pkcs1));
        if (text.Contains("-----BEGIN CERTIFICATE", StringComparison.Ordinal))
            throw new FormatException("this is a certificate: give its public key "
                                      + "(openssl x509 -in cert.pem -pubkey -noout > key.pub.pem)");
        throw new FormatException("no '-----BEGIN PUBLIC KEY-----' block (make one with "
                                  + "openssl pkey -in key.pem -pubout -out key.pub.pem)");
    }

    /// <summary>The canonical PEM of a key, as baked into an image.</summary>
    public static string ToPem(PublicKey key)
    {
        var b64 = Convert.ToBase64String(key.Spki);
        var s = new StringBuilder("-----BEGIN PUBLIC KEY-----\n");
        for (var i = 0; i < b64.Length; i += 64) s.Append(b64.AsSpan(i, Math.Min(64, b64.Length - i))).Append('\n');
        return s.Append("-----END PUBLIC KEY-----\n").ToString();
    }

    private static byte[]? Block(string text, string label)
    {
        var begin = $"-----BEGIN {label}-----";
        var end = $"-----END {label}-----";
        var a = text.IndexOf(begin, StringComparison.Ordinal);
        if (a < 0) return null;
        var b = text.IndexOf(end, a + begin.Length, StringComparison.Ordinal);
        if (b < 0) throw new FormatException($"'{begin}' without '{end}'");
        var body = text[(a + begin.Length)..b].Replace("\r", "").Replace("\n", "").Replace(" ", "");
        try { return Convert.FromBase64String(body); }
        catch (FormatException) { throw new FormatException($"the {label} block is not valid base64"); }
    }

    private static PublicKey FromSpki(byte[] spki)
    {
        var outer = new DerReader(spki);
        var info = new DerReader(outer.Read(DerReader.Sequence, "SubjectPublicKeyInfo"));
        if (!outer.AtEnd) throw new FormatException("SubjectPublicKeyInfo: bytes after the end");
        var alg = new DerReader(info.Read(DerReader.Sequence, "AlgorithmIdentifier"));
        var keyBits = info.ReadBitStringBytes("subjectPublicKey");
        if (!info.AtEnd) throw new FormatException("SubjectPublicKeyInfo: extra fields");
        var oid = alg.ReadRawOid("algorithm");
        if (oid.SequenceEqual(RsaOid))
        {
            var key = new DerReader(keyBits);
            var seq = new DerReader(key.Read(DerReader.Sequence, "RSAPublicKey"));
            var n = seq.ReadUnsignedInteger("RSA modulus", RsaPublicKey.MaxBits / 8 + 1);
            var e = seq.ReadUnsignedInteger("RSA exponent", 8);
            if (!seq.AtEnd || !key.AtEnd) throw new FormatException("RSAPublicKey: extra fields");
            return new RsaPublicKey(n, e, spki);
        }
        if (oid.SequenceEqual(EcOid))
        {
            var curve = alg.AtEnd ? default : alg.ReadRawOid("EC curve");
            if (!curve.SequenceEqual(P256Oid))
                throw new FormatException("EC key on a curve other than P-256 (prime256v1): not supported");
            return new EcP256PublicKey(keyBits, spki);
        }
        throw new FormatException("key algorithm is neither RSA nor EC (P-256): not supported");
    }

    /// <summary>A PKCS#1 RSAPublicKey wrapped into a SubjectPublicKeyInfo.</summary>
    private static byte[] RsaSpki(byte[] pkcs1)
    {
        byte[] alg = [0x30, 0x0d, 0x06, 0x09, .. RsaOid, 0x05, 0x00];
        var bits = Der(DerReader.BitString, [0x00, .. pkcs1]);
        return Der(DerReader.Sequence, [.. alg, .. bits]);
    }

    private static byte[] Der(byte tag, byte[] content)
    {
        var len = content.Length;
        byte[] head = len < 0x80 ? [tag, (byte)len]
            : len < 0x100 ? [tag, 0x81, (byte)len]
            : [tag, 0x82, (byte)(len >> 8), (byte)len];
        return [.. head, .. content];
    }
}
