using LiveInit.Cmdline;
using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary>The NBD forms: archiso's <c>archiso_nbd_srv=host[:port]</c> with <c>archiso_nbd_name=</c> (export name,
/// default <c>archiso</c>; archiso's hook runs <c>nbd-client host -N name /dev/nbd0</c>), and
/// <c>root=live:nbd://host[:port]/export</c>. Hosts are IPv4 addresses, DNS names or <c>${pxeserver}</c>; the port
/// defaults to 10809. Pure: bad values are errors that say what form is expected.</summary>
public static class NbdParameters
{
    public const string ArchisoServer = "archiso_nbd_srv", ArchisoName = "archiso_nbd_name", ArchisoDefaultName = "archiso";

    /// <summary>archiso's parameters, or null when archiso_nbd_srv is absent (or bad: an error is reported).</summary>
    public static NbdSource? Archiso(KernelCommandLine c, Diagnostics d)
    {
        var srv = c.Find(ArchisoServer);
        if (srv is null)
        {
            if (c.Has(ArchisoName)) d.Warn(ArchisoName, $"has no effect without {ArchisoServer}=");
            return null;
        }
        var name = c.Get(ArchisoName) ?? ArchisoDefaultName;
        if (!TryServer(srv.Value, out var host, out var port, out var err))
        {
            d.Error(ArchisoServer, err!);
            return null;
        }
        if (!TryExport(name, out err))
        {
            d.Error(ArchisoName, err!);
            return null;
        }
        NeedsNetwork(c, d, ArchisoServer);
        return new NbdSource(host!, port, name);
    }

    /// <summary>The export is reached over the network, which only comes up with ip= (as archiso requires).</summary>
    public static void NeedsNetwork(KernelCommandLine c, Diagnostics d, string key)
    {
        if (!c.Has("ip")) d.Error(key, "needs ip= (ip=dhcp, or a static address) to bring the network up");
    }

    /// <summary><c>nbd://host[:port]/export</c> (the export may be empty: the server's default).</summary>
    public static bool TryUrl(string url, out NbdSource? source, out string? error)
    {
        source = null;
        const string scheme = "nbd://";
        if (!url.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{url}' is not nbd://host[:port]/export";
            return false;
        }
        var rest = url[scheme.Length..];
        var slash = rest.IndexOf('/');
        var server = slash < 0 ? rest : rest[..slash];
        var export = slash < 0 ? "" : Uri.UnescapeDataString(rest[(slash + 1)..]);
        if (!TryServer(server, out var host, out var port, out error) || !TryExport(export, out error)) return false;
        source = new NbdSource(host!, port, export);
        return true;
    }

    /// <summary><c>host[:port]</c>.</summary>
    public static bool TryServer(string? text, out string? host, out int port, out string? error)
    {
        host = null;
        port = NbdSource.DefaultPort;
        error = null;
        if (string.IsNullOrEmpty(text)) { error = "names no server (host[:port])"; return false; }
        var colon = text.LastIndexOf(':');
        var h = text;
        if (colon >= 0 && !text.EndsWith('}'))
        {
            h = text[..colon];
            if (!int.TryParse(text[(colon + 1)..], out port) || port is < 1 or > 65535)
            {
                error = $"'{text}': the port is not a number from 1 to 65535";
                return false;
            }
        }
        var ok = h == NbdSource.PxeServer
                 || (h.Length is > 0 and <= 253 && LiveInit.Text.Chars.All(h, ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-'));
        if (!ok)
        {
            error = $"'{text}': the host is not an IPv4 address, a DNS name or {NbdSource.PxeServer}";
            return false;
        }
        host = h;
        return true;
    }

    private static bool TryExport(string name, out string? error)
    {
        error = null;
        if (System.Text.Encoding.UTF8.GetByteCount(name) > 4096) error = "the export name is longer than 4096 bytes";
        else if (LiveInit.Text.Chars.Any(name, char.IsControl)) error = "the export name holds control characters";
        return error is null;
    }
}
