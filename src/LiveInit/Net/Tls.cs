namespace LiveInit.Net;

/// <summary>
/// https:// for the agent's downloads, only in the TLS build (<c>./build.sh tls</c>: LIVEINIT_TLS, OpenSSL linked
/// statically, ~4.4 MB more, so never in the default agent): an SslStream with the usual certificate checks (chain to
/// a CA in <see cref="CaBundle"/>, which <c>mkinitramfs --net</c> fills from the build host's trust store, and the
/// host name). The default agent names what to do instead.
/// </summary>
public static class Tls
{
    /// <summary>Where the initramfs carries the CA certificates (Debian's name, which OpenSSL is told through
    /// SSL_CERT_FILE).</summary>
    public const string CaBundle = "/etc/ssl/certs/ca-certificates.crt";

#if LIVEINIT_TLS
    public static bool Available => true;

    public static Stream Wrap(Stream s, string host)
    {
        if (Environment.GetEnvironmentVariable("SSL_CERT_FILE") is null && File.Exists(CaBundle))
            Environment.SetEnvironmentVariable("SSL_CERT_FILE", CaBundle);
        var ssl = new System.Net.Security.SslStream(s, leaveInnerStreamOpen: true);
        try { ssl.AuthenticateAsClient(host); }
        catch (System.Security.Authentication.AuthenticationException e)
        {
            ssl.Dispose();
            throw new PermanentDownloadError($"https://{host}: TLS refused: {e.Message} (is its CA in {CaBundle}? "
                                             + "mkinitramfs --tls --ca-cert FILE adds one)");
        }
        return ssl;
    }
#else
    public static bool Available => false;

    public static Stream Wrap(Stream s, string host) =>
        throw new PermanentDownloadError($"https://{host}: this agent has no TLS; build the TLS agent (./build.sh tls) "
                                         + "and the initramfs with mkinitramfs --net --agent artifacts/liveinit-tls, "
                                         + "or serve the file over http:// with a signature");
#endif
}
