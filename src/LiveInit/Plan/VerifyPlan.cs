using LiveInit.Verify;

namespace LiveInit.Plan;

/// <summary>Signatures: the image and every SRM must carry a detached signature <c>&lt;file&gt;.sig</c> that
/// verifies with one of <see cref="Keys"/> (baked in by <c>mkinitramfs --trust-key</c>). A file without one is
/// refused unless <see cref="AllowUnsigned"/>; a signature that does not verify is always refused.
/// <see cref="Source"/> says where the policy came from.</summary>
public sealed record VerifyPlan(IReadOnlyList<TrustedKey> Keys, bool AllowUnsigned, string Source)
{
    public const string Suffix = ".sig";
}
