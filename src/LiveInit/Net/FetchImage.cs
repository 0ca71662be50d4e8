using LiveInit.Boot;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Net;

/// <summary>
/// The root image over HTTP into RAM: a tmpfs of its own at <see cref="NetImage.RamDir"/>, sized as copytoram
/// sizes its copy (the announced length rounded up plus 1 MiB, and only when MemAvailable holds it plus
/// <see cref="RamCopy.ExplicitMargin"/>), then the boot goes on as from a copy in RAM. An ISO (iso9660 magic, or
/// a .iso URL) is loop-mounted and the image inside it (LiveOS/squashfs.img) is used. A download that fails
/// is removed with its tmpfs and the boot stops with the reason (there is no medium to fall back to).
/// </summary>
public sealed class FetchImage(NetImage image) : BootStep
{
    public override string Describe() =>
        $"fetch {image.Url} over HTTP into RAM ({image.RamDir}, sized like copytoram: the image + "
        + $"{RamCopy.ExplicitMargin >> 20} MiB must fit in MemAvailable); resume with Range after a dropped "
        + "connection, retries with backoff"
        + (image.Kind == NetImageKind.Iso || image.IsoInnerPath is not null
            ? $"; an ISO is loop-mounted at {image.IsoMountPoint} and its {image.IsoInnerPath} is the image" : "")
        + (image.ChecksumUrl is null ? "" : $"; verify it against {image.ChecksumUrl} (SHA-512)");

    public override void Run(BootContext ctx)
    {
        var lease = ctx.Lease ?? throw new BootFailure($"{image.Url} needs the network, which is not up (see above)");
        var url = Substitute(image.Url, lease);
        var name = FileName(url);
        var dst = Path.Combine(image.RamDir, name);
        var mounted = false;
        FileStream? file = null;
        try
        {
            var http = new HttpDownload(new Resolver(lease.DnsAddresses), ctx.Log.Info);
            ctx.Log.Notice($"fetching {url} into RAM");
            var result = http.Fetch(url, total =>
            {
                var avail = MemAvailable();
                long maxBytes, tmpfs;
                if (total is { } size)
                {
                    if (RamCopy.Refusal(ImageCopy.Yes, size, avail, optical: false) is { } why)
                        throw new PermanentDownloadError($"{url} does not fit in RAM: {why}. Give the machine more "
                            + "memory, or serve a smaller image");
                    (maxBytes, tmpfs) = (size, RamCopy.TmpfsBytes(size));
                }
                else
                {
                    maxBytes = Math.Max(0, avail - RamCopy.ExplicitMargin);
                    tmpfs = RamCopy.TmpfsBytes(maxBytes);
                    ctx.Log.Info($"{url}: no length announced; at most {maxBytes >> 20} MiB will be taken");
                }
                Mounts.MountTmpfs(image.RamDir, $"size={tmpfs},mode=0755");
                mounted = true;
                file = new FileStream(dst, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, bufferSize: 1 << 16);
                return (file, maxBytes);
            });
            file?.Dispose();
            if (image.ChecksumUrl is { } sumUrl) Verify(ctx, http, Substitute(sumUrl, lease), dst);
            ctx.Log.Notice($"fetched {Tools.Common.Say.Size(result.Bytes)} in {result.ElapsedMs} ms ({result.Retries} retries, "
                + $"{result.Resumes} resumed with Range)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BootFailure)
        {
            file?.Dispose();
            if (mounted) Undo(ctx, dst);
            throw e as BootFailure ?? new BootFailure($"cannot fetch the image: {e.Message}", e);
        }
        ctx.ImageFile = IsIso(dst) || image.Kind == NetImageKind.Iso ? MountIso(ctx, dst) : dst;
    }

    /// <summary>archiso's checksum over HTTP: the first word of the .sha512 file (at most 4 KiB) must be the
    /// image's SHA-512.</summary>
    private static void Verify(BootContext ctx, HttpDownload http, string sumUrl, string file)
    {
        using var sum = new MemoryStream();
        http.Fetch(sumUrl, _ => (sum, Boot.Steps.VerifyChecksum.MaxSumFile));
        var expected = System.Text.Encoding.ASCII.GetString(sum.ToArray())
            .Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.ToLowerInvariant();
        string actual;
        using (var f = File.OpenRead(file)) actual = Sha512.HashHex(f);
        if (actual != expected)
            throw new BootFailure($"the image fetched from the network does not match {sumUrl}: it is corrupt or was "
                + "changed on the server. Fix the server's copy (or its .sha512), then reboot");
        ctx.Log.Info($"checksum OK ({sumUrl})");
    }

    /// <summary>Loop-mounts the ISO in RAM and returns the image inside it.</summary>
    private string MountIso(BootContext ctx, string iso)
    {
        var inner = image.IsoInnerPath ?? "LiveOS/squashfs.img";
        ctx.EnsureFilesystem("iso9660");
        Mounts.MountImage(ctx, iso, image.IsoMountPoint, readOnly: true, expectType: "iso9660");
        var path = Path.Combine(image.IsoMountPoint, inner);
        using var root = Media.MediumRoot.Open(image.IsoMountPoint);
        if (root.TryOpenFile(inner, write: false, out var why) is { } f) f.Dispose();
        else throw new BootFailure($"the ISO {iso} has no usable {inner}" + (why is null ? "" : $" ({why})")
            + $". Its top level holds: {string.Join(", ", root.List("").Take(20))}. Check rd.live.dir=/rd.live.squashimg=");
        ctx.Log.Info($"ISO mounted at {image.IsoMountPoint}; the image is {path}");
        return path;
    }

    /// <summary>archiso's ${pxeserver}: ip='s server field, else the DHCP server.</summary>
    public static string Substitute(string url, NetLease lease) =>
        url.Replace("${pxeserver}", lease.Server ?? lease.NextServer ?? lease.Gateway ?? "", StringComparison.Ordinal);

    /// <summary>The last path segment of the URL, as a safe file name ("image" when there is none).</summary>
    public static string FileName(string url)
    {
        var path = url.Split('?', '#')[0];
        var last = path[(path.LastIndexOf('/') + 1)..];
        var safe = LiveInit.Text.Chars.Keep(last, c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_', 100);
        return safe.Trim('.').Length == 0 ? "image" : safe;
    }

    /// <summary>iso9660: "CD001" at byte 32769 (the first volume descriptor).</summary>
    private static bool IsIso(string file)
    {
        try
        {
            using var f = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            if (f.Length < 32774) return false;
            f.Seek(32769, SeekOrigin.Begin);
            var b = new byte[5];
            return f.Read(b, 0, 5) == 5 && b.AsSpan().SequenceEqual("CD001"u8);
        }
        catch (IOException) { return false; }
    }

    private void Undo(BootContext ctx, string dst)
    {
        Libc.TryUnlink(dst);
        var err = Libc.TryUmount(image.RamDir);
        if (err != 0) err = Libc.TryUmount(image.RamDir, Libc.MNT_DETACH);
        if (err != 0) ctx.Log.Warn($"cannot unmount {image.RamDir}: {Errno.Describe(err)}");
    }

    private static long MemAvailable()
    {
        try { return RamCopy.MemAvailable(File.ReadLines("/proc/meminfo")); }
        catch (IOException) { return 0; }
    }
}
