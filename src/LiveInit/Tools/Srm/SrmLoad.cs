using LiveInit.Devices;
using LiveInit.Media;
using LiveInit.Native;
using LiveInit.Probe;
using LiveInit.Tools.Common;
using LiveInit.Tools.Net;

namespace LiveInit.Tools.Srm;

/// <summary>What <c>liveinit srm load</c> was asked (load-srm's -v, -i and PATH|URL).</summary>
public sealed record LoadRequest(string Source, bool Insecure, string TargetRoot, long MaxBytes, bool QueueMultiUser);

/// <summary>
/// <c>liveinit srm load</c> (SystemRescue's load-srm): late loading. The SRM (a path, an http:// URL fetched by
/// our own client, or an https:// URL fetched by curl/wget) is checked to be a squashfs, loop-mounted read-only,
/// and its content copied over the running root, so it lands in the copy-on-write layer (and in a persistent
/// backing store, when there is one): files, links, folders, device nodes, owners, modes, capabilities and
/// times; its whiteouts delete, its opaque folders replace. Then, when systemd runs the system,
/// <c>systemctl daemon-reload</c> and a queued start of multi-user.target pick up units the SRM brought.
/// </summary>
public sealed class SrmLoad(LoadRequest request, LiveSystem system, Say say)
{
    public const string MountRoot = "/run/liveinit";

    public int Run()
    {
        var target = Path.GetFullPath(request.TargetRoot);
        if (!Directory.Exists(target)) throw new ToolFailure($"the target {target} is not a folder");
        string? downloaded = null;
        try
        {
            string? file = null;
            ConfinedFile? confined = null;
            if (HttpUrl.LooksLikeUrl(request.Source)) file = downloaded = Download(request.Source);
            else confined = OpenLocal(request.Source, out file);
            using (confined) Load(file!, confined, target);
        }
        finally
        {
            if (downloaded is not null) TreeRemover.Remove(downloaded);
        }
        if (target == "/" && LiveSystem.SystemdRuns) ReloadSystemd();
        else if (target == "/") say.Detail("systemd does not run this system: no daemon-reload");
        return 0;
    }

    /// <summary>A local SRM. On a boot medium it is opened through the confined opener (no link off the medium,
    /// a regular file); elsewhere it must simply be a regular file.</summary>
    private ConfinedFile? OpenLocal(string source, out string file)
    {
        file = Path.GetFullPath(source);
        var mount = system.Mounts.ForPath(file);
        var media = new[]
        {
            system.Plan?.Medium.MountPoint, "/run/archiso/bootmnt", "/run/initramfs/live", "/live/boot-dev", "/livemnt/boot",
        };
        if (mount is not null && mount.MountPoint != "/" && media.Contains(mount.MountPoint))
        {
            using var medium = MediumRoot.Open(mount.MountPoint);
            var rel = Path.GetRelativePath(mount.MountPoint, file);
            return medium.TryOpenFile(rel, write: false, out var why)
                   ?? throw new ToolFailure(why is null ? $"{file} does not exist" : $"{file}: refused: {why}");
        }
        if (!Libc.TryStat(file, out var st)) throw new ToolFailure($"{file} does not exist");
        if (!st.IsRegular) throw new ToolFailure($"{file} is not a regular file");
        return null;
    }

    private string Download(string url)
    {
        var tmpDir = Directory.Exists("/tmp") ? "/tmp" : MountRoot;
        Libc.MkdirAll(tmpDir);
        var file = Path.Combine(tmpDir, $"liveinit-srm-{Environment.ProcessId}.srm");
        TreeRemover.Remove(file);
        var free = FreeBytes(tmpDir);
        var max = Math.Min(request.MaxBytes, Math.Max(0, free - (16L << 20)));
        var parsed = HttpUrl.Parse(url);
        using var interrupted = Interruption.OnInterrupt(() => TreeRemover.Remove(file));
        try
        {
            if (parsed.Secure) TlsFetch.Download(url, file, max, request.Insecure, say);
            else
            {
                say.Step($"downloading {url}");
                try
                {
                    using var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
                    var served = new HttpFetch(max).Download(parsed, output, total => new Progress("downloading", total));
                    if (served != parsed) say.Detail($"served from {served}");
                }
                catch (RedirectedToHttps r)
                {
                    TreeRemover.Remove(file);
                    say.Step($"{url} redirects to {r.Url}");
                    TlsFetch.Download(r.Url.ToString(), file, max, request.Insecure, say);
                }
            }
        }
        catch
        {
            TreeRemover.Remove(file);
            throw;
        }
        say.Step($"downloaded {Say.Size(new FileInfo(file).Length)} to {file}");
        return file;
    }

    private void Load(string file, ConfinedFile? confined, string target)
    {
        var mp = Path.Combine(MountRoot, $"srm-load-{Environment.ProcessId}");
        Libc.MkdirAll(mp);
        using var interrupted = Interruption.OnInterrupt(() => { Libc.TryUmount(mp, Libc.MNT_DETACH); Libc.TryRmdir(mp); });
        try
        {
            using (var loop = confined is null ? LoopDevice.Attach(file, readOnly: true)
                : LoopDevice.Attach(confined, readOnly: true))
            {
                string? type;
                using (var src = new FileProbeSource(loop.Path)) type = Prober.ProbeFilesystem(src).Get("TYPE");
                if (type is not ("squashfs" or "erofs"))
                    throw new ToolFailure($"{file} is {(type is null ? "not a filesystem image" : type)}, not an SRM "
                        + "(a squashfs image); a corrupt or incomplete copy?");
                try { Libc.Mount(loop.Path, mp, type, Libc.MS_RDONLY | Libc.MS_NODEV | Libc.MS_NOSUID, null); }
                catch (NativeException e) { throw new ToolFailure($"cannot mount {file}: {e.Message}. The file may "
                    + "be damaged; copy it again", e); }
            }
            try
            {
                // what lies under another mount (/proc, /sys, /dev, /run, ...) would be hidden by that mount had the
                // SRM been loaded at boot: it is left out here too, rather than written into those filesystems
                var hidden = system.Mounts.Below(target).Where(m => m != mp && !m.StartsWith(mp + "/", StringComparison.Ordinal))
                    .Select(m => Path.GetRelativePath(target, m)).ToList();
                bool Hidden(string rel) => hidden.Any(h => rel == h || rel.StartsWith(h + "/", StringComparison.Ordinal));
                var bytes = TreeCopy.MeasureBytes(mp, Hidden);
                say.Step($"copying {Path.GetFileName(file)} ({Say.Size(bytes)}) over {target}");
                var bar = new Progress("loading", bytes);
                var copy = new TreeCopy(OverlayMarkers.Apply, Hidden, bar, say.Verbose ? say.Detail : null);
                copy.CopyContent(mp, target);
                bar.Finish();
                Libc.Sync();
                var here = copy.Stats.Whiteouts > 0 ? $" ({copy.Stats.Deleted} of the deleted entries were here)" : "";
                say.Step($"loaded {copy.Stats}{here}");
                if (copy.Stats.AttributeFailures > 0)
                    say.Warn($"{copy.Stats.AttributeFailures} extended attributes or times could not be set on {target}");
            }
            finally
            {
                Libc.TryUmount(mp, Libc.MNT_DETACH);
            }
        }
        finally
        {
            Libc.TryRmdir(mp);
        }
    }

    private void ReloadSystemd()
    {
        var systemctl = ExternalTool.Require("systemctl", "make systemd see the units of the SRM");
        say.Step("systemctl daemon-reload");
        ExternalTool.RunChecked(systemctl, ["daemon-reload"], "systemctl daemon-reload");
        if (!request.QueueMultiUser) return;
        // systemd does not re-evaluate dependencies of a running transaction: a second start of
        // multi-user.target, queued, acts on Wants= the SRM added to it (as SystemRescue's late_load_srm does)
        say.Step("queueing a start of multi-user.target");
        ExternalTool.RunChecked(systemctl, ["--no-block", "start", "multi-user.target"],
            "systemctl start multi-user.target");
    }

    private static long FreeBytes(string path)
    {
        var fs = Libc.Statfs(path);
        return (long)fs.BlocksAvailable * fs.BlockSize;
    }
}
