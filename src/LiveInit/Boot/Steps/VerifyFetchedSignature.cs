using LiveInit.Net;
using LiveInit.Plan;
using LiveInit.Verify;

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
        var sigUrl = url + VerifyPlan.Suffix;
        var local = Path.Combine(image.RamDir, FetchImage.FileName(url));
        var sig = new MemoryStream();
        try
        {
            new HttpDownload(new Resolver(lease.DnsAddresses), ctx.Log.Detail) { MaxAttempts = 3 }
                .Fetch(sigUrl, _ => (sig, SignatureCheck.MaxSignature));
        }
        catch (IOException e)
        {
            if (!verify.AllowUnsigned)
                throw new BootFailure($"image {url} refused: its signature {sigUrl} cannot be fetched ({e.Message}), "
                                      + $"and this initramfs trusts keys ({verify.Source}): unsigned images are refused. "
                                      + "Put the .sig beside the image on the server, or build the initramfs with "
                                      + "mkinitramfs --allow-unsigned.");
            ctx.Log.Warn($"{url} has no signature ({e.Message}): used unverified ({verify.Source})");
            return;
        }
        ctx.Log.Info($"checking {local} against {sigUrl}");
        var key = SignatureCheck.Check(() => File.OpenRead(local), sig.ToArray(), verify.Keys, out var why);
        if (key is null) throw new BootFailure($"image {url} refused: signature {sigUrl} refused: {why}.");
        ctx.Log.Notice($"{url}: signature verified with trusted key {key}");
    }
}
