using System.Net;
using LiveInit.Net;

namespace LiveInit.Cli;

/// <summary><c>liveinit fetch URL OUT</c>: the boot's own HTTP download (Range resume, retries with backoff,
/// bounded) as a host process, for testing a server before booting from it and for the load test. Names
/// resolve with the agent's own resolver against /etc/resolv.conf's nameservers (or --dns).</summary>
public static class FetchCommand
{
    public static int Run(string[] args)
    {
        var o = Options.Parse(args, ["tries", "max-size-mb", "dns", "timeout"], ["sha512", "quiet"]);
        if (o.Positionals.Count != 2) throw new UsageException("usage: liveinit fetch URL OUT [--sha512] [--tries N] "
            + "[--max-size-mb N] [--dns ADDR[:PORT]] [--timeout S] [--quiet]");
        var (url, output) = (o.Positionals[0], o.Positionals[1]);
        var tries = Int(o, "tries", 8, 1, 100);
        var maxBytes = Int(o, "max-size-mb", 4096, 1, 1 << 20) * (1L << 20);
        var timeout = Int(o, "timeout", 15, 1, 600);
        var dnsPort = 53;
        var dns = o.Get("dns") is { } d ? [Address(d, out dnsPort)] : Nameservers();
        var quiet = o.Has("quiet");
        var http = new HttpDownload(new Resolver(dns, dnsPort), line => { if (!quiet) Console.Error.WriteLine(line); })
        {
            MaxAttempts = tries, TimeoutMs = timeout * 1000,
        };
        var tmp = output + ".part";
        DownloadResult r;
        try
        {
            using var file = new FileStream(tmp, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
            r = http.Fetch(url, _ => (file, maxBytes));
        }
        catch (IOException e)
        {
            File.Delete(tmp);
            Console.Error.WriteLine($"liveinit fetch: {e.Message}");
            return 1;
        }
        File.Move(tmp, output, overwrite: true);
        var digest = "";
        if (o.Has("sha512"))
        {
            using var f = File.OpenRead(output);
            digest = " sha512=" + Boot.Sha512.HashHex(f);
        }
        Console.Out.WriteLine($"{output}: bytes={r.Bytes} ms={r.ElapsedMs} retries={r.Retries} resumes={r.Resumes}{digest}");
        return 0;
    }

    private static int Int(Options o, string key, int fallback, int min, int max)
    {
        var v = o.Get(key);
        if (v is null) return fallback;
        return int.TryParse(v, out var n) && n >= min && n <= max ? n
            : throw new UsageException($"--{key} takes a number from {min} to {max}, not '{v}'");
    }

    /// <summary>--dns ADDR[:PORT].</summary>
    private static IPAddress Address(string s, out int port)
    {
        port = 53;
        var colon = s.IndexOf(':');
        if (colon > 0 && !(int.TryParse(s[(colon + 1)..], out port) && port is > 0 and < 65536))
            throw new UsageException($"--dns takes ADDR[:PORT], not '{s}'");
        return Ipv4.TryParse(colon > 0 ? s[..colon] : s, out var a) ? a
            : throw new UsageException($"--dns takes an IPv4 address, not '{s}'");
    }

    /// <summary>The IPv4 nameservers of /etc/resolv.conf (at most 3, as the resolver reads them).</summary>
    private static List<IPAddress> Nameservers()
    {
        var found = new List<IPAddress>();
        try
        {
            foreach (var line in File.ReadLines("/etc/resolv.conf").Take(200))
            {
                var w = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (w.Length >= 2 && w[0] == "nameserver" && Ipv4.TryParse(w[1], out var a) && found.Count < 3) found.Add(a);
            }
        }
        catch (IOException) { }
        return found;
    }
}
