namespace LiveInit.Modules;

/// <summary>Kernel module names: '-' and '_' are the same; a path names the module by its file name.</summary>
public static class ModuleName
{
    public static string Normalize(string name) => name.Replace('-', '_');

    public static string FromPath(string path)
    {
        var file = Path.GetFileName(path);
        var ko = file.IndexOf(".ko", StringComparison.Ordinal);
        return Normalize(ko >= 0 ? file[..ko] : file);
    }
}
