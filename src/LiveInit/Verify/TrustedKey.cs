using System.Text.Json.Serialization;

namespace LiveInit.Verify;

/// <summary>A key baked into the initramfs by <c>mkinitramfs --trust-key</c>, by the name of its file.</summary>
public sealed record TrustedKey(string Name, [property: JsonIgnore] PublicKey Key)
{
    public string Kind => Key.Kind;
    public string Fingerprint => Key.Fingerprint;

    /// <summary>"release.pem (RSA-3072, SHA-256 0a1b2c3d4e5f6a7b…)".</summary>
    public override string ToString() => $"{Name} ({Kind}, SHA-256 {Fingerprint[..16]}…)";
}
