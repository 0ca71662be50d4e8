using LiveInit.Media;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>The image's detached signature (<c>&lt;image&gt;.sig</c> beside it on the medium) must verify with a
/// trusted key, else the boot stops. After copytoram the RAM copy is what is hashed, and so exactly the bytes
/// that get mounted.</summary>
public sealed class VerifySignature(ImagePlan image, VerifyPlan verify, string mediumMount) : BootStep
{
    public override string Describe() =>
        $"check the image's signature ({string.Join(" or ", image.Candidates.Select(c => c + VerifyPlan.Suffix))}) "
        + $"with {verify.Keys.Count} trusted key{(verify.Keys.Count == 1 ? "" : "s")}"
        + (verify.AllowUnsigned ? "; an unsigned image is used with a warning" : "; an unsigned image is refused");

    public override void Run(BootContext ctx)
    {
        using var medium = MediumRoot.Open(mediumMount);
        var rel = OnMedium(ctx, medium);
        using var file = ImageFiles.Open(ctx, image, mediumMount);
        if (rel is null)
            throw new BootFailure($"{file.Where}: cannot tell where its signature is on the medium; refusing it");
        var refusal = SignatureGate.Check(ctx, verify, medium, rel, file);
        if (refusal is not null)
            throw new BootFailure($"image {file.Where} refused: {refusal}.");
    }

    /// <summary>The image's path on the medium (the copy in RAM keeps the name of the first candidate found).
    /// </summary>
    private string? OnMedium(BootContext ctx, MediumRoot medium)
    {
        var prefix = mediumMount.TrimEnd('/') + "/";
        if (ctx.ImageFile is { } chosen && chosen.StartsWith(prefix, StringComparison.Ordinal))
            return chosen[prefix.Length..];
        foreach (var c in image.Candidates)
        {
            using var f = medium.TryOpenFile(c, write: false, out _);
            if (f is not null) return c;
        }
        return null;
    }
}
