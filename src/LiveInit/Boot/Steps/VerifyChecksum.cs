using System.Text;
using LiveInit.Media;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>checksum=y: the image's SHA-512 must equal the first word of the .sha512 file next to it. Both are
/// opened through the confined opener; the checksum file is read with a bound.</summary>
public sealed class VerifyChecksum(ImagePlan image, string mediumMount) : BootStep
{
    /// <summary>A .sha512 file is one line; anything larger is not one.</summary>
    public const int MaxSumFile = 4096;

    public override string Describe() => $"verify the image against /{image.ChecksumFile} (SHA-512)";

    public override void Run(BootContext ctx)
    {
        string? expected;
        string sumWhere;
        using (var medium = MediumRoot.Open(mediumMount))
        {
            sumWhere = medium.Where(image.ChecksumFile!);
            using var sum = medium.TryOpenFile(image.ChecksumFile!, write: false, out var refused);
            if (sum is null)
                throw new BootFailure(refused is not null
                    ? $"checksum=y but {sumWhere} is refused: {refused}"
                    : $"checksum=y but {sumWhere} does not exist; boot without checksum=y or add the file");
            var bytes = sum.ReadSmall(MaxSumFile)
                        ?? throw new BootFailure($"{sumWhere} is larger than {MaxSumFile} bytes: not a SHA-512 checksum file");
            expected = Encoding.ASCII.GetString(bytes).Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)
                .FirstOrDefault()?.ToLowerInvariant();
        }
        using var file = ImageFiles.Open(ctx, image, mediumMount);
        ctx.Log.Notice($"verifying {file.Where} (SHA-512)");
        string actual;
        using (var s = file.OpenStream()) actual = Sha512.HashHex(s);
        if (actual != expected)
            throw new BootFailure($"{file.Where} does not match {sumWhere}: the image is corrupt. Copy it to the medium again.");
        ctx.Log.Info("checksum OK");
    }
}
