using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>checksum=y: the image's SHA-512 must equal the first word of the .sha512 file next to it.</summary>
public sealed class VerifyChecksum(ImagePlan image, string mediumMount) : BootStep
{
    public override string Describe() => $"verify the image against /{image.ChecksumFile} (SHA-512)";

    public override void Run(BootContext ctx)
    {
        var sumFile = Path.Combine(mediumMount, image.ChecksumFile!);
        var file = ctx.ImageFile ?? image.Candidates.Select(c => Path.Combine(mediumMount, c)).FirstOrDefault(File.Exists);
        if (file is null) return;
        if (!File.Exists(sumFile)) throw new BootFailure($"checksum=y but {sumFile} does not exist; boot without checksum=y or add the file");
        var expected = File.ReadAllText(sumFile).Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.ToLowerInvariant();
        ctx.Log.Notice($"verifying {file} (SHA-512)");
        string actual;
        using (var s = File.OpenRead(file)) actual = Sha512.HashHex(s);
        if (actual != expected)
            throw new BootFailure($"{file} does not match {sumFile}: the image is corrupt. Copy it to the medium again.");
        ctx.Log.Info("checksum OK");
    }
}
