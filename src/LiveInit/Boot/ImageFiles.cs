using LiveInit.Media;
using LiveInit.Plan;

namespace LiveInit.Boot;

/// <summary>
/// Where the steps find the compressed image, always through the confined opener: the RAM copy (copytoram, in
/// LiveInit's own tmpfs), or a file a remaster step chose on the medium, or the first candidate of the plan that
/// is a regular file on the medium. A candidate that is a link off the medium, a device node or a FIFO is
/// refused with its reason.
/// </summary>
public static class ImageFiles
{
    /// <summary>The image to boot, or a <see cref="BootFailure"/> that says what is missing or refused.</summary>
    public static ConfinedFile Open(BootContext ctx, ImagePlan image, string mediumMount)
    {
        if (ctx.ImageFile is { } chosen)
        {
            if (Beneath(mediumMount, chosen) is { } rel)
            {
                using var medium = MediumRoot.Open(mediumMount);
                return medium.OpenFile(rel);
            }
            using var ram = MediumRoot.Open(Path.GetDirectoryName(chosen)!);
            return ram.OpenFile(Path.GetFileName(chosen));
        }
        using (var medium = MediumRoot.Open(mediumMount))
        {
            var f = OnMedium(medium, image, out var refused);
            if (f is not null) return f;
            if (refused is not null)
                throw new BootFailure($"{refused}.\nThe image must be a regular file on the medium; copy it there again.");
            string listing;
            try { listing = string.Join(", ", medium.List("").Take(20).Select(PathText.Printable)); }
            catch (IOException) { listing = "(cannot be listed)"; }
            throw new BootFailure($"the medium {ctx.Medium?.Device.DevPath} has no {string.Join(" or ", image.Candidates)}."
                                  + $"\nIts top level holds: {listing}.\nCheck the folder parameters (archisobasedir=, "
                                  + "rd.live.dir=, bdir=).");
        }
    }

    /// <summary>The first candidate that is a regular file on the medium; null when none is, with the first
    /// refusal (if any) in <paramref name="refused"/>.</summary>
    public static ConfinedFile? OnMedium(MediumRoot medium, ImagePlan image, out string? refused)
    {
        refused = null;
        foreach (var c in image.Candidates)
        {
            var f = medium.TryOpenFile(c, write: false, out var why);
            if (f is not null) return f;
            if (why is not null) refused ??= $"{medium.Where(c)}: refused: {why}";
        }
        return null;
    }

    private static string? Beneath(string mount, string path)
    {
        var prefix = mount.TrimEnd('/') + "/";
        return path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : null;
    }
}
