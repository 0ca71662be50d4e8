using LiveInit.Boot;
using LiveInit.Boot.Steps;
using LiveInit.Plan;

namespace LiveInit.Net;

/// <summary>
/// SRMs over HTTP (<c>liveinit.srm=http://…</c>, repeatable): each is fetched like the image (Range resume,
/// retries) into one tmpfs at <see cref="NetPlan.SrmDir"/>, bounded by copytoram's budget (MemAvailable less
/// <see cref="RamCopy.ExplicitMargin"/>, for all of them together), loop-mounted read-only under the SRM mount
/// root and stacked above the image and the medium's SRMs, the first URL topmost. A module that cannot be
/// fetched or mounted is skipped with an error, as a broken SRM on a medium is.
/// </summary>
public sealed class FetchSrms(NetPlan net, string mountRoot, VerifyPlan? verify = null) : BootStep
{
    public override string Describe() =>
        $"fetch {net.SrmUrls.Count} SRM(s) over HTTP into RAM ({net.SrmDir}) and stack them above the image, the "
        + $"first topmost: {string.Join(' ', net.SrmUrls)}"
        + (verify is null ? "" : $"; each one's <url>{VerifyPlan.Suffix} must verify with a trusted key");

    public override void Run(BootContext ctx)
    {
        if (ctx.Lease is not { } lease)
        {
            ctx.Log.Error($"SRMs over HTTP skipped: the network is not up ({string.Join(' ', net.SrmUrls)})");
            return;
        }
        long budget;
        try { budget = Math.Max(0, RamCopy.MemAvailable(File.ReadLines("/proc/meminfo")) - RamCopy.ExplicitMargin); }
        catch (IOException) { budget = 0; }
        try { Mounts.MountTmpfs(net.SrmDir, $"size={RamCopy.TmpfsBytes(budget)},mode=0755"); }
        catch (IOException e)
        {
            ctx.Log.Error($"SRMs over HTTP skipped: no tmpfs at {net.SrmDir}: {e.Message}");
            return;
        }
        var http = new HttpDownload(new Resolver(lease.DnsAddresses), ctx.Log.Info) { MaxAttempts = 5 };
        var names = net.SrmUrls.Select((u, i) => $"{i:D2}-{FetchImage.FileName(u)}").ToList();
        var targets = MountSrms.MountPoints(names.Select(n => "net-" + Path.GetFileNameWithoutExtension(n)).ToList(),
            mountRoot);
        var mounted = new List<string>();
        long used = 0;
        for (var i = 0; i < names.Count; i++)
        {
            var url = FetchImage.Substitute(net.SrmUrls[i], lease);
            var file = Path.Combine(net.SrmDir, names[i]);
            try
            {
                using (var f = new FileStream(file, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1 << 16))
                {
                    var r = http.Fetch(url, _ => (f, budget - used));
                    used += r.Bytes;
                }
                if (verify is not null && HttpSignature.Check(ctx, verify, lease, url, file) is { } refusal)
                {
                    Native.Libc.TryUnlink(file);
                    ctx.Log.Error($"SRM {url} refused: {refusal}");
                    continue;
                }
                Mounts.MountImage(ctx, file, targets[i], readOnly: true, expectType: "squashfs");
                mounted.Add(targets[i]);
                ctx.Log.Info($"SRM {url} mounted at {targets[i]}");
            }
            catch (Exception e) when (e is IOException or BootFailure or UnauthorizedAccessException)
            {
                Native.Libc.TryUnlink(file);
                ctx.Log.Error($"SRM {url} skipped: {e.Message}");
            }
        }
        ctx.SrmLayers = [.. mounted, .. ctx.SrmLayers];
    }
}
