using System.Text;

namespace LiveInit.Verify;

/// <summary>Checks a detached signature (<c>openssl dgst -sha256|-sha512 -sign key.pem -out FILE.sig FILE</c>)
/// of a file against trusted keys. The file is read once per digest the signature can need (in practice once).
/// </summary>
public static class SignatureCheck
{
    /// <summary>An RSA-8192 signature is 1 KiB; anything much larger is not a signature.</summary>
    public const int MaxSignature = 4096;

    /// <summary>The key that verifies, or null with the reason in <paramref name="why"/>.</summary>
    public static TrustedKey? Check(Func<Stream> open, ReadOnlySpan<byte> signature, IReadOnlyList<TrustedKey> keys,
        out string why)
    {
        why = "";
        if (keys.Count == 0)
        {
            why = "no usable trusted key in this initramfs";
            return null;
        }
        var needs = new List<(TrustedKey Key, HashKind Hash)>();
        foreach (var k in keys)
            if (k.Key.HashFor(signature) is { } h) needs.Add((k, h));
        if (needs.Count == 0)
        {
            why = $"it is not a signature of any trusted key ({signature.Length} bytes; tried {List(keys)})"
                  + (LooksLikePgp(signature) ? "; it looks like an OpenPGP signature, which is not this format" : "");
            return null;
        }
        var digests = new Dictionary<HashKind, byte[]>();
        foreach (var (key, hash) in needs)
        {
            if (!digests.TryGetValue(hash, out var d))
            {
                using var s = open();
                digests[hash] = d = hash == HashKind.Sha256 ? Sha256.Hash(s) : Boot.Sha512.Hash(s);
            }
            if (key.Key.Verify(signature, hash, d)) return key;
        }
        why = $"it does not verify with any trusted key (tried {List(keys)}): the file was changed after it was "
              + "signed, or signed with a key this initramfs does not trust";
        return null;
    }

    private static string List(IReadOnlyList<TrustedKey> keys) => string.Join(", ", keys.Select(k => k.ToString()));

    private static bool LooksLikePgp(ReadOnlySpan<byte> sig) =>
        Encoding.ASCII.GetString(sig[..Math.Min(sig.Length, 64)]).Contains("BEGIN PGP", StringComparison.Ordinal);
}
