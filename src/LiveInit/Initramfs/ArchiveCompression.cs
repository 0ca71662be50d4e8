using System.IO.Compression;

namespace LiveInit.Initramfs;

/// <summary>How the initramfs archive is compressed, in the formats the kernel unpacks (CONFIG_RD_*): gzip (in
/// process, reproducible), zstd, lz4 (the legacy frame the kernel reads), xz (CRC32 check, as the kernel needs)
/// through the build host's tools, or none.</summary>
public static class ArchiveCompression
{
    /// <summary>What mkinitramfs writes unless told: zstd unpacks faster than gzip in the kernel and makes the
    /// smallest image but xz (which unpacks several times slower); see README "Boot at the floor".</summary>
    public const string Default = "zstd";

    /// <summary>The default, or gzip (written in process) when the build host has no zstd.</summary>
    public static string DefaultOnThisHost(Action<string> note)
    {
        if (HostTool.Exists("zstd")) return Default;
        note("zstd is not installed on this build host: writing gzip (apt-get install zstd for a smaller image "
             + "that the kernel unpacks faster)");
        return "gzip";
    }
    public static readonly string[] Names = ["gzip", "zstd", "lz4", "xz", "none"];

    public static void Write(string method, byte[] cpio, Stream output)
    {
        switch (method)
        {
            case "none": output.Write(cpio); break;
            case "gzip":
                using (var gz = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) gz.Write(cpio);
                break;
            case "zstd": output.Write(HostTool.Run("zstd", ["-q", "-19", "-c", "--no-progress"], cpio, Hint("zstd"))); break;
            case "lz4": output.Write(HostTool.Run("lz4", ["-q", "-l", "-9", "-c"], cpio, Hint("lz4"))); break;
            case "xz": output.Write(HostTool.Run("xz", ["--check=crc32", "--lzma2=dict=1MiB", "-c"], cpio, Hint("xz"))); break;
            default: throw new ArgumentException($"unknown compression '{method}': {string.Join(", ", Names)}");
        }
    }

    private static string Hint(string tool) =>
        $"{tool} is not installed on this build host (apt-get install {tool}, or use --compress gzip)";
}
