namespace LiveInit.Verify;

public enum HashKind { Sha256, Sha512 }

/// <summary>A public key that checks detached signatures as <c>openssl dgst -sha256 -sign</c> makes them.
/// <see cref="Spki"/> is its DER SubjectPublicKeyInfo; <see cref="Fingerprint"/> the SHA-256 of that, in hex
/// (<c>openssl pkey -pubin -in key.pem -outform DER | sha256sum</c>).</summary>
public abstract class PublicKey(byte[] spki)
{
    public byte[] Spki { get; } = spki;
    public string Fingerprint { get; } = Convert.ToHexString(Sha256.Hash(spki)).ToLowerInvariant();

    /// <summary>"RSA-3072", "ECDSA P-256".</summary>
    public abstract string Kind { get; }

    /// <summary>The digest a signature needs to be checked with this key, or null when it cannot be one of
    /// this key's at all (wrong length, not a valid encoding).</summary>
    public abstract HashKind? HashFor(ReadOnlySpan<byte> signature);

    public abstract bool Verify(ReadOnlySpan<byte> signature, HashKind hash, ReadOnlySpan<byte> digest);

    /// <summary>Equal in time independent of where the first difference is.</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length) return false;
        var diff = 0;
        for (var i = 0; i < a.Length; i++) diff |= a[i] ^ b[i];
        return diff == 0;
    }
}
