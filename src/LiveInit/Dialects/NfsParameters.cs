using LiveInit.Cmdline;
using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary>archiso's NFS form (archiso_pxe_nfs): <c>archiso_nfs_srv=host:/path</c> (host an IPv4 address, a DNS
/// name or <c>${pxeserver}</c>) and <c>archiso_nfs_opt=</c> (mount options, comma-separated, e.g.
/// <c>port=2049</c>). Pure: bad values are errors that say what form is expected.</summary>
public static class NfsParameters
{
    public const string ArchisoServer = "archiso_nfs_srv", ArchisoOptions = "archiso_nfs_opt";

    /// <summary>Options the agent sets itself (or that make no sense for a read-only NFSv4 root medium).</summary>
    private static readonly string[] Reserved = ["addr", "clientaddr", "nfsvers", "proto6"];

    public static NfsSource? Archiso(KernelCommandLine c, Diagnostics d)
    {
        var srv = c.Find(ArchisoServer);
        if (srv is null)
        {
            if (c.Has(ArchisoOptions)) d.Warn(ArchisoOptions, $"has no effect without {ArchisoServer}=");
            return null;
        }
        if (!TryServer(srv.Value, out var host, out var path, out var err))
        {
            d.Error(ArchisoServer, err!);
            return null;
        }
        var (versions, extra) = Options(c.Get(ArchisoOptions), d);
        return new NfsSource(host!, path!, versions, extra);
    }

    /// <summary><c>host:/path</c>: the path absolute, no '..', no control characters or commas.</summary>
    public static bool TryServer(string? text, out string? host, out string? path, out string? error)
    {
        host = path = error = null;
        if (string.IsNullOrEmpty(text)) { error = "has no value; give host:/path (e.g. 10.0.2.2:/srv/archiso)"; return false; }
        var colon = text.StartsWith(NbdSource.PxeServer, StringComparison.Ordinal)
            ? NbdSource.PxeServer.Length : text.IndexOf(':');
        if (colon <= 0 || colon >= text.Length || text[colon] != ':')
        {
            error = $"'{text}' is not host:/path (e.g. 10.0.2.2:/srv/archiso)";
            return false;
        }
        var h = text[..colon];
        var p = text[(colon + 1)..];
        if (!NbdParameters.TryServer(h, out host, out _, out error) || h.Contains(':'))
        {
            error = $"'{text}': the host is not an IPv4 address, a DNS name or {NbdSource.PxeServer}";
            return false;
        }
        if (!p.StartsWith('/') || p.Length > 1024 || LiveInit.Text.Chars.Any(p, ch => char.IsControl(ch) || ch == ',')
            || p.Split('/').Contains(".."))
        {
            error = $"'{text}': the path must be absolute, without '..', commas or control characters";
            return false;
        }
        path = p.Length > 1 ? p.TrimEnd('/') : p;
        return true;
    }

    /// <summary>archiso_nfs_opt=: comma-separated name[=value] words of letters, digits, '.', '_' and '-'.
    /// vers=/nfsvers= (4, 4.0, 4.1, 4.2) pick the one version to try; NFSv2/v3 are refused (they need mount.nfs's
    /// MOUNT protocol and rpcbind, which the agent does not carry); the agent's own addr=/clientaddr= are dropped.</summary>
    private static (IReadOnlyList<string>, string?) Options(string? text, Diagnostics d)
    {
        if (string.IsNullOrEmpty(text)) return (NfsSource.DefaultVersions, null);
        var versions = NfsSource.DefaultVersions;
        var kept = new List<string>();
        foreach (var word in text.Split(',', StringSplitOptions.RemoveEmptyEntries).Take(32))
        {
            var eq = word.IndexOf('=');
            var name = eq < 0 ? word : word[..eq];
            var value = eq < 0 ? null : word[(eq + 1)..];
            if (word.Length > 128 || !LiveInit.Text.Chars.All(word, ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-' or '='))
            {
                d.Error(ArchisoOptions, $"'{word}' is not an option (name or name=value of letters, digits, . _ -); ignored");
                continue;
            }
            if (name is "vers" or "nfsvers")
            {
                if (value is "4" or "4.0" or "4.1" or "4.2") versions = [value == "4" ? "4.0" : value];
                else d.Error(ArchisoOptions, $"'{word}': LiveInit mounts NFS version 4 (4.0, 4.1 or 4.2) only; "
                    + "serve the export over NFSv4 (an NFSv3 mount needs mount.nfs and rpcbind)");
                continue;
            }
            if (name is "rw")
            {
                d.Warn(ArchisoOptions, "'rw' ignored: the medium is mounted read-only");
                continue;
            }
            if (Reserved.Contains(name))
            {
                d.Warn(ArchisoOptions, $"'{word}' ignored: the agent sets addr= and clientaddr= itself (IPv4)");
                continue;
            }
            kept.Add(word);
        }
        return (versions, kept.Count == 0 ? null : string.Join(',', kept));
    }
}
