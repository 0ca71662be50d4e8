namespace LiveInit.Initramfs;

/// <summary>A build-host program and the shared libraries <c>ldd</c> lists for it, as initramfs files (the path in the
/// image, the host file to copy): the program at <c>sbin/NAME</c>, each library and the dynamic loader at the path
/// ldd names, so the loader finds them in its default folders.</summary>
public static class HostBinary
{
    public static IReadOnlyList<(string ImagePath, string HostPath)> WithLibraries(string program, string imagePath)
    {
        var files = new List<(string, string)> { (imagePath, program) };
        var text = System.Text.Encoding.UTF8.GetString(HostTool.Run("ldd", [program],
            missingHint: "ldd is not installed (libc-bin); it lists the libraries of " + program));
        foreach (var lib in ParseLdd(text)) files.Add((lib.TrimStart('/'), lib));
        return files;
    }

    /// <summary>The absolute library paths of ldd's output (<c>libx.so.1 =&gt; /lib/…/libx.so.1 (0x…)</c> and the
    /// loader's <c>/lib64/ld-linux-x86-64.so.2 (0x…)</c>); linux-vdso has no file and is left out.</summary>
    public static IReadOnlyList<string> ParseLdd(string text)
    {
        var libs = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var arrow = line.IndexOf("=> ", StringComparison.Ordinal);
            var path = arrow >= 0 ? line[(arrow + 3)..] : line;
            var paren = path.IndexOf(" (", StringComparison.Ordinal);
            if (paren >= 0) path = path[..paren];
            if (path.StartsWith('/') && !libs.Contains(path)) libs.Add(path);
            else if (arrow >= 0 && path == "not found")
                throw new IOException($"ldd: {line}: a library of the program is missing on this host");
        }
        return libs;
    }
}
