using LiveInit.Net;
using LiveInit.Plan;
using LiveInit.Verify;

namespace LiveInit.Boot;

/// <summary>One fetched file's signature check: <c>&lt;url&gt;.sig</c> from the same server (at most
/// <see cref="SignatureCheck.MaxSignature"/> bytes) against the copy in RAM at <paramref name="local"/>.</summary>
public static class HttpSignature
{
    /// <summary>Null when the file may be used (verified, or unsigned and allowed: logged), else why not.</summary>
    public static string? Check(BootContext ctx, VerifyPlan verify, NetLease lease, string url, string local)
    {
        var sigUrl = url + VerifyPlan.Suffix;
        var sig = new MemoryStream();
        try
        {
            new HttpDownload(new Resolver(lease.DnsAddresses), ctx.Log.Detail) { MaxAttempts = 3 }
                .Fetch(sigUrl, _ => (sig, SignatureCheck.MaxSignature));
        }
        catch (IOException e)
        {
            if (!verify.AllowUnsigned)
                return $"its signature {sigUrl} cannot be fetched ({e.Message}), and this initramfs trusts keys "
                       + $"({verify.Source}): unsigned files are refused. Put the .sig beside it on the server, or build "
                       + "the initramfs with mkinitramfs --allow-unsigned";
            ctx.Log.Warn($"{url} has no signature ({e.Message}): used unverified ({verify.Source})");
            return null;
        }
        ctx.Log.Info($"checking {local} against {sigUrl}");
        var key = SignatureCheck.Check(() => File.OpenRead(local), sig.ToArray(), verify.Keys, out var why);
        if (key is null) return $"signature {sigUrl} refused: {why}";
        ctx.Log.Notice($"{url}: signature verified with trusted key {key}");
        return null;
    }
}
