using LiveInit.Tools.Common;

namespace LiveInit.Tools.Remaster;

/// <summary><c>liveinit persist create rootfs|homefs SIZE_MB</c>: antiX's persistence files next to linuxfs: rootfs
/// (the root's writable layer, with upperdir/ and workdir/; boot with persist_root) and homefs (/home; boot with
/// persist_home), each an ext4 image with its blocks allocated.</summary>
public static class PersistFiles
{
    public static int Create(RemasterTarget target, string kind, long sizeMiB, LiveSystem system, Say say)
    {
        if (kind is not ("rootfs" or "homefs")) throw new ToolFailure($"the persistence file is rootfs or homefs, "
            + $"not '{kind}'");
        var file = Path.Combine(target.Directory, kind);
        if (File.Exists(file)) throw new ToolFailure($"{file} already exists");
        if (sizeMiB < 8) throw new ToolFailure("a persistence file needs at least 8 MiB");
        WritableMount.Ensure(target.Directory, system.Mounts, say);
        FileSpace.Require(target.Directory, sizeMiB << 20, $"a {sizeMiB} MiB {kind}");
        using var o = new AtomicOutput(file);
        File.WriteAllBytes(o.TempPath, []);
        FileSpace.Extend(o.TempPath, sizeMiB << 20, "allocating");
        Ext4Tools.Make(o.TempPath, kind, kind == "rootfs" ? Backstore.BackingStore.Layout : [], say);
        FileSpace.Reserve(o.TempPath);
        o.Commit();
        say.Step($"created {file} ({sizeMiB} MiB ext4); boot with "
            + $"{(kind == "rootfs" ? "persist_root" : "persist_home")} to use it");
        return 0;
    }
}
