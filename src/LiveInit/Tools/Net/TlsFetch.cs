using LiveInit.Tools.Common;

namespace LiveInit.Tools.Net;

/// <summary>
/// https:// downloads through the system's own TLS client, which uses the system's certificate store: curl, or
/// GNU wget. Certificates are verified unless <c>insecure</c> (load-srm's -i). BusyBox wget never verifies
/// certificates, so it is used only when the user accepted that with -i.
/// </summary>
public static class TlsFetch
{
    public static void Download(string url, string file, long maxBytes, bool insecure, Say say)
    {
        if (ExternalTool.Find("curl") is { } curl)
        {
            var args = new List<string> { "--fail", "--location", "--max-redirs", "5", "--proto-redir", "=https",
                "--max-filesize", maxBytes.ToString(), "--output", file };
            args.Add(Progress.IsTerminal ? "--progress-bar" : "--silent");
            args.Add("--show-error");
            if (insecure) args.Add("--insecure");
            args.Add(url);
            say.Step($"downloading {url} with curl{(insecure ? " (certificate NOT verified: -i)" : "")}");
            Check(ExternalTool.Run(curl, args, Progress.IsTerminal ? l => Console.Error.Write("\r" + l) : null),
                "curl", url);
            return;
        }
        if (ExternalTool.Find("wget") is { } wget)
        {
            var busybox = IsBusybox(wget);
            if (busybox && !insecure)
                throw new ToolFailure($"only BusyBox wget is here to fetch {url}, and it does not verify "
                    + "certificates. Install curl "
                                      + "(or GNU wget), or accept an unverified download with -i / --insecure");
            var args = new List<string> { "-O", file };
            if (!busybox) args.AddRange(["--max-redirect=5", "--quota=" + maxBytes]);
            if (!Progress.IsTerminal) args.Add("-q");
            if (insecure && !busybox) args.Add("--no-check-certificate");
            args.Add(url);
            say.Step($"downloading {url} with "
                + $"{(busybox ? "BusyBox " : "")}wget{(insecure ? " (certificate NOT verified: -i)" : "")}");
            Check(ExternalTool.Run(wget, args), "wget", url);
            if (new FileInfo(file).Length > maxBytes)
                throw new ToolFailure($"{url} is larger than the limit of {Say.Size(maxBytes)} (raise it with "
                    + "--max-size-mb)");
            return;
        }
        throw new ToolFailure($"{url} needs a TLS client and none is installed: install curl (or wget), or fetch the "
            + "file by other "
                              + "means and give its path");
    }

    private static void Check(ExternalTool.Result r, string tool, string url)
    {
        if (r.ExitCode != 0) throw new ToolFailure($"{tool} could not download {url} (exit {r.ExitCode}):\n{r.TailText}");
    }

    /// <summary>wget is a link to (or a copy of) BusyBox.</summary>
    private static bool IsBusybox(string path)
    {
        try
        {
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
            return Path.GetFileName(target).Contains("busybox", StringComparison.OrdinalIgnoreCase);
        }
        catch (IOException) { return false; }
    }
}
