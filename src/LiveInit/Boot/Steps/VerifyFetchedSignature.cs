using LiveInit.Net;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>An image fetched over HTTP must carry a detached signature at its URL + <c>.sig</c> that verifies with
/// a trusted key; the file hashed is the copy in RAM that is then booted (for an ISO URL: the whole ISO). A missing
/// signature (any HTTP error fetching it) is refused unless unsigned files are allowed; a bad one always.</summary>
public sealed class VerifyFetchedSignature(NetImage image, VerifyPlan verify) : BootStep
{
    public override string Describe() =>
        $"check the fetched image's signature ({image.Url}{VerifyPlan.Suffix}) with {verify.Keys.Count} trusted "
        + $"key{(verify.Keys.Count == 1 ? "" : "s")}"
        + (verify.AllowUnsigned ? "; an unsigned image is used with a warning" : "; an unsigned image is refused");

    public override void Run(BootContext ctx)
    {
        var lease = ctx.Lease ?? throw new BootFailure($"{image.Url} needs the network, which is not up (see above)");
        var url = FetchImage.Substitute(image.Url, lease);
        var local = Path.Combine(image.RamDir, FetchImage.FileName(url));
        if (HttpSignature.Check(ctx, verify, lease, url, local) is { } refusal)
            throw new BootFailure($"image {url} refused: {refusal}.");
    }
}
