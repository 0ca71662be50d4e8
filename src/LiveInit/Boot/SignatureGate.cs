using LiveInit.Media;
using LiveInit.Plan;
using LiveInit.Verify;

namespace LiveInit.Boot;

/// <summary>One file's signature check at boot: <c>&lt;rel&gt;.sig</c> is read from the medium through the confined
/// opener (at most <see cref="SignatureCheck.MaxSignature"/> bytes); <paramref name="content"/> (the file on the
/// medium, or its RAM copy, the same descriptor that is then mounted where the caller can) is what gets
/// hashed.</summary>
public static class SignatureGate
{
    /// <summary>Null when the file may be used (verified, or unsigned and allowed: logged), else why not.</summary>
    public static string? Check(BootContext ctx, VerifyPlan verify, MediumRoot medium, string rel, ConfinedFile content)
    {
        var sigRel = rel + VerifyPlan.Suffix;
        var sigWhere = medium.Where(sigRel);
        using var sig = medium.TryOpenFile(sigRel, write: false, out var refused);
        if (sig is null)
        {
            if (refused is not null) return $"its signature {sigWhere} is refused: {refused}";
            if (!verify.AllowUnsigned)
                return $"it has no signature {sigWhere}, and this initramfs trusts keys ({verify.Source}): unsigned "
                       + $"files are refused. Sign it (openssl dgst -sha256 -sign key.pem -out {Path.GetFileName(sigRel)} "
                       + $"{Path.GetFileName(rel)}) or build the initramfs with mkinitramfs --allow-unsigned";
            ctx.Log.Warn($"{content.Where} has no signature {sigWhere}: used unverified ({verify.Source})");
            return null;
        }
        var bytes = sig.ReadSmall(SignatureCheck.MaxSignature);
        if (bytes is null) return $"{sigWhere} is larger than {SignatureCheck.MaxSignature} bytes: not a signature";
        ctx.Log.Info($"checking {content.Where} against {sigWhere}");
        var key = SignatureCheck.Check(() => content.OpenStream(), bytes, verify.Keys, out var why);
        if (key is null) return $"signature {sigWhere} refused: {why}";
        ctx.Log.Notice($"{content.Where}: signature verified with trusted key {key}");
        return null;
    }
}
