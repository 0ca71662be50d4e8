using System.IO.Compression;
using System.Text;
using LiveInit.Cli;
using LiveInit.Cmdline;
using LiveInit.Dialects;
using LiveInit.Initramfs;
using LiveInit.Plan;
using LiveInit.Verify;

namespace LiveInit.Tests;

/// <summary>Own SHA-256, key parsing, RSA PKCS#1 v1.5 and ECDSA P-256 verification against keys and signatures
/// made by the openssl CLI at test time; the trust store, the policy and the baked initramfs.</summary>
public class SignatureTests
{
    private static readonly Lazy<string> Keys = new(MakeKeys);

    /// <summary>rsa2048, rsa3072, rsa1024, ec256, ec384 (private .key and public .pub each), a certificate.</summary>
    private static string MakeKeys()
    {
        var dir = Repo.TempDir("sigkeys");
        void Ssl(params string[] args)
        {
            var r = Repo.Run("openssl", args);
            Assert.True(r.Code == 0, $"openssl {string.Join(' ', args)}: {r.Err}");
        }
        foreach (var bits in new[] { "1024", "2048", "3072" })
            Ssl("genpkey", "-algorithm", "RSA", "-pkeyopt", $"rsa_keygen_bits:{bits}", "-out", P(dir, $"rsa{bits}.key"));
        Ssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", P(dir, "ec256.key"));
        Ssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", P(dir, "ec384.key"));
        foreach (var k in new[] { "rsa1024", "rsa2048", "rsa3072", "ec256", "ec384" })
            Ssl("pkey", "-in", P(dir, k + ".key"), "-pubout", "-out", P(dir, k + ".pub"));
        Ssl("rsa", "-in", P(dir, "rsa2048.key"), "-RSAPublicKey_out", "-out", P(dir, "rsa2048.pkcs1"));
        Ssl("req", "-x509", "-new", "-key", P(dir, "ec256.key"), "-subj", "/CN=test", "-days", "1", "-out", P(dir, "cert.pem"));
        return dir;
    }

    private static string P(string dir, string name) => Path.Combine(dir, name);

    private static byte[] Sign(string key, string hash, byte[] data)
    {
        var dir = Repo.TempDir("sign");
        File.WriteAllBytes(P(dir, "data"), data);
        var r = Repo.Run("openssl", "dgst", "-" + hash, "-sign", P(Keys.Value, key + ".key"), "-out", P(dir, "data.sig"),
            P(dir, "data"));
        Assert.True(r.Code == 0, r.Err);
        return File.ReadAllBytes(P(dir, "data.sig"));
    }

    internal static PublicKey Pub(string name) => KeyFile.Parse(File.ReadAllBytes(P(Keys.Value, name)));

    private static TrustedKey? Check(byte[] data, byte[] sig, params string[] pubs) =>
        SignatureCheck.Check(() => new MemoryStream(data), sig, pubs.Select(p => new TrustedKey(p, Pub(p))).ToList(),
            out _);

    [Fact]
    public void Sha256MatchesKnownVectorsAndSha256sum()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            Convert.ToHexString(Sha256.Hash(ReadOnlySpan<byte>.Empty)).ToLowerInvariant());
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            Convert.ToHexString(Sha256.Hash("abc"u8)).ToLowerInvariant());
        Assert.Equal("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            Convert.ToHexString(Sha256.Hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"u8)).ToLowerInvariant());
        var rng = new Random(1);
        var dir = Repo.TempDir("sha256");
        foreach (var len in new[] { 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 70_001, 1 << 20 })
        {
            var data = new byte[len];
            rng.NextBytes(data);
            var f = P(dir, $"d{len}");
            File.WriteAllBytes(f, data);
            var expected = Repo.Run("sha256sum", f).Out.Split(' ')[0];
            using var s = File.OpenRead(f);
            Assert.Equal(expected, Convert.ToHexString(Sha256.Hash(s)).ToLowerInvariant());
            // appended in odd pieces: the same
            var h = new Sha256();
            for (var at = 0; at < len; at += 37) h.Append(data.AsSpan(at, Math.Min(37, len - at)));
            Assert.Equal(expected, Convert.ToHexString(h.Finish()).ToLowerInvariant());
        }
    }

    [Theory]
    [InlineData("rsa2048", "sha256")]
    [InlineData("rsa2048", "sha512")]
    [InlineData("rsa3072", "sha256")]
    [InlineData("ec256", "sha256")]
    public void OpensslSignaturesVerifyAndAnyChangeIsRefused(string key, string hash)
    {
        var data = new byte[100_000];
        new Random(key.Length + hash.Length).NextBytes(data);
        var sig = Sign(key, hash, data);
        Assert.Equal(key + ".pub", Check(data, sig, key + ".pub")?.Name);
        // found among several keys, whatever the order
        Assert.Equal(key + ".pub", Check(data, sig, "rsa3072.pub", "ec256.pub", "rsa2048.pub")?.Name);
        var changed = (byte[])data.Clone();
        changed[54_321] ^= 1;
        Assert.Null(Check(changed, sig, key + ".pub"));
        var badSig = (byte[])sig.Clone();
        badSig[badSig.Length / 2] ^= 0x10;
        Assert.Null(Check(data, badSig, key + ".pub"));
        Assert.Null(Check(data, sig[..^1], key + ".pub"));
        var other = key == "ec256" ? "rsa2048.pub" : "ec256.pub";
        Assert.Null(Check(data, sig, other));
        Assert.Null(Check([], sig, key + ".pub"));
    }

    [Fact]
    public void EcdsaVerifiesManySignaturesAndRefusesTheirNeighbours()
    {
        var key = Pub("ec256.pub");
        for (var i = 0; i < 8; i++)
        {
            var data = Encoding.ASCII.GetBytes($"message {i}");
            var sig = Sign("ec256", "sha256", data);
            var digest = Sha256.Hash(data);
            Assert.True(key.Verify(sig, HashKind.Sha256, digest), $"signature {i}");
            digest[31] ^= 1;
            Assert.False(key.Verify(sig, HashKind.Sha256, digest));
        }
    }

    [Fact]
    public void TheMessageNamesTheKeysTried()
    {
        var data = "payload"u8.ToArray();
        var sig = Sign("rsa2048", "sha256", data);
        data[0] ^= 1;
        var keys = new[] { new TrustedKey("release.pem", Pub("rsa2048.pub")) };
        Assert.Null(SignatureCheck.Check(() => new MemoryStream(data), sig, keys, out var why));
        Assert.Contains("does not verify with any trusted key (tried release.pem (RSA-2048, SHA-256 ", why);
        Assert.Null(SignatureCheck.Check(() => new MemoryStream(data), "-----BEGIN PGP SIGNATURE-----\n"u8, keys, out why));
        Assert.Contains("OpenPGP", why);
        Assert.Null(SignatureCheck.Check(() => new MemoryStream(data), sig, [], out why));
        Assert.Contains("no usable trusted key", why);
    }

    [Fact]
    public void KeyFilesAreParsedOrRefusedWithAReason()
    {
        Assert.Equal("RSA-2048", Pub("rsa2048.pub").Kind);
        Assert.Equal("RSA-3072", Pub("rsa3072.pub").Kind);
        Assert.Equal("ECDSA P-256", Pub("ec256.pub").Kind);
        // PKCS#1 RSA PUBLIC KEY: the same key, the same fingerprint as its SubjectPublicKeyInfo
        Assert.Equal(Pub("rsa2048.pub").Fingerprint, Pub("rsa2048.pkcs1").Fingerprint);
        // the fingerprint is what openssl says
        var der = Repo.Run("sh", "-c", $"openssl pkey -pubin -in {P(Keys.Value, "ec256.pub")} -outform DER | sha256sum");
        Assert.Equal(der.Out.Split(' ')[0], Pub("ec256.pub").Fingerprint);
        Assert.Contains("PRIVATE key", Refusal("rsa2048.key"));
        Assert.Contains("PRIVATE key", Refusal("ec256.key"));
        Assert.Contains("certificate", Refusal("cert.pem"));
        Assert.Contains("at least 2048", Refusal("rsa1024.pub"));
        Assert.Contains("P-256", Refusal("ec384.pub"));
        Assert.Contains("BEGIN PUBLIC KEY", Assert.Throws<FormatException>(() => KeyFile.Parse("hello"u8)).Message);
        // the canonical PEM baked into an image reads back as the same key
        Assert.Equal(Pub("rsa3072.pub").Fingerprint,
            KeyFile.Parse(Encoding.ASCII.GetBytes(KeyFile.ToPem(Pub("rsa3072.pub")))).Fingerprint);
    }

    private static string Refusal(string name) =>
        Assert.Throws<FormatException>(() => KeyFile.Parse(File.ReadAllBytes(P(Keys.Value, name)))).Message;

    [Fact]
    public void MangledKeysAndSignaturesNeverThrowAnythingButFormatException()
    {
        var rng = new Random(7);
        foreach (var name in new[] { "rsa2048.pub", "ec256.pub" })
        {
            var spki = Pub(name).Spki;
            for (var cut = 0; cut < spki.Length; cut++) Assert.Throws<FormatException>(() => KeyFile.Parse(spki[..cut]));
            for (var i = 0; i < 2000; i++)
            {
                var m = (byte[])spki.Clone();
                m[rng.Next(m.Length)] = (byte)rng.Next(256);
                try { KeyFile.Parse(m); }
                catch (FormatException) { }
            }
        }
        var ec = Pub("ec256.pub");
        var sig = Sign("ec256", "sha256", "x"u8.ToArray());
        var digest = Sha256.Hash("x"u8);
        for (var i = 0; i < 2000; i++)
        {
            var m = (byte[])sig.Clone();
            m[rng.Next(m.Length)] = (byte)rng.Next(256);
            if (!m.AsSpan().SequenceEqual(sig)) Assert.False(ec.Verify(m, HashKind.Sha256, digest));
        }
    }

    [Fact]
    public void TrustStoreLoadsKeysAndFailsClosed()
    {
        var root = Repo.TempDir("truststore");
        var dir = P(root, "trusted-keys");
        var conf = P(root, "verify.conf");
        Assert.False(TrustStore.Load(dir, conf).Present);
        Directory.CreateDirectory(dir);
        var empty = TrustStore.Load(dir, conf);
        Assert.True(empty.Present);
        Assert.Empty(empty.Keys);
        Assert.Contains(empty.Problems, p => p.Contains("no *.pem key"));
        File.Copy(P(Keys.Value, "rsa2048.pub"), P(dir, "a.pem"));
        File.WriteAllText(P(dir, "b.pem"), "garbage");
        var s = TrustStore.Load(dir, conf);
        Assert.Equal(["a.pem"], s.Keys.Select(k => k.Name));
        Assert.Contains(s.Problems, p => p.Contains("b.pem is unusable"));
        Assert.False(s.AllowUnsigned);
        File.WriteAllText(conf, TrustStore.RenderConfig(true));
        Assert.True(TrustStore.Load(dir, conf).AllowUnsigned);
        File.WriteAllText(conf, "unsigned=sure\n");
        var bad = TrustStore.Load(dir, conf);
        Assert.False(bad.AllowUnsigned);
        Assert.Contains("fail closed", bad.Source);
    }

    [Fact]
    public void TheCommandLineCanTightenButNotLoosenThePolicy()
    {
        var key = new TrustedKey("release.pem", Pub("ec256.pub"));
        var refusing = new TrustStore(true, [key], false, "initramfs x", []);
        var allowing = refusing with { AllowUnsigned = true };
        BootPlan Plan(string cmdline, TrustStore store) =>
            DialectSelector.Plan(KernelCommandLine.Parse("archisolabel=X " + cmdline), null, store);
        Assert.Null(Plan("", TrustStore.Absent).Verify);
        Assert.False(Plan("", refusing).Verify!.AllowUnsigned);
        var weakened = Plan("liveinit.unsigned=allow", refusing);
        Assert.False(weakened.Verify!.AllowUnsigned);
        Assert.Contains(weakened.Diagnostics, d => d.Parameter == "liveinit.unsigned" && d.Message.Contains("cannot weaken"));
        Assert.True(Plan("", allowing).Verify!.AllowUnsigned);
        Assert.False(Plan("liveinit.unsigned=refuse", allowing).Verify!.AllowUnsigned);
        Assert.Contains(Plan("liveinit.unsigned=maybe", allowing).Diagnostics, d => d.Severity == Severity.Error);
        var text = ExplainCommand.Render(KernelCommandLine.Parse("archisolabel=X loadsrm"), "text", null, refusing);
        Assert.Contains("verify:    the image and every SRM need <file>.sig verified by one of 1 trusted key: "
                        + "release.pem (ECDSA P-256", text);
        Assert.Contains("check the image's signature (arch/x86_64/airootfs.sfs.sig or", text);
        Assert.Contains("each one's .sig must verify with a trusted key", text);
        var json = ExplainCommand.Render(KernelCommandLine.Parse("archisolabel=X"), "json", null, refusing);
        Assert.Contains("\"fingerprint\": \"" + key.Fingerprint + "\"", json);
        Assert.DoesNotContain("verify:", ExplainCommand.Render(KernelCommandLine.Parse("archisolabel=X"), "text"));
    }

    [Fact]
    public void MkinitramfsBakesOnlyThePublicKeyAndThePolicy()
    {
        var dir = Repo.TempDir("mkinitramfs-keys");
        var mods = Path.Combine(dir, "lib/modules/6.0.0-test");
        Directory.CreateDirectory(mods);
        File.WriteAllText(Path.Combine(mods, "modules.dep"), "");
        File.WriteAllText(Path.Combine(mods, "modules.alias"), "");
        var agent = Path.Combine(dir, "agent");
        File.WriteAllText(agent, "not really an agent");
        var key = Pub("rsa3072.pub");
        using var ms = new MemoryStream();
        InitramfsBuilder.Build(agent, ModuleSet.Load(mods), "6.0.0-test", [], null, ms, null, null, trust:
            new InitramfsBuilder.Trust([("release.pem", key)], false));
        using var gz = new GZipStream(new MemoryStream(ms.ToArray()), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        gz.CopyTo(raw);
        var cpio = Encoding.Latin1.GetString(raw.ToArray());
        Assert.Contains("etc/liveinit/trusted-keys/release.pem\0", cpio);
        Assert.Contains(KeyFile.ToPem(key), cpio);
        Assert.Contains("\nunsigned=refuse\n", cpio);
        Assert.DoesNotContain("PRIVATE", cpio);
        Assert.DoesNotContain("initramfs.conf", cpio);
    }
}
