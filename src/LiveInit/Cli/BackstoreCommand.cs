using LiveInit.Tools.Backstore;
using LiveInit.Tools.Common;

namespace LiveInit.Cli;

/// <summary><c>liveinit backstore create|grow FILE SIZE_MB</c> (sysresccd-backstore).</summary>
public static class BackstoreCommand
{
    public static int Run(string[] args)
    {
        if (args.Length == 0
            || args[0] is "--help" or "-h" or "help") { Console.Out.Write(Help); return args.Length == 0 ? 2 : 0; }
        var o = ToolOptions.Parse(args[1..], [new('v', "verbose")]);
        if (o.WantsHelp) { Console.Out.Write(Help); return 0; }
        if (o.Positionals.Count != 2) throw new UsageException($"usage: liveinit backstore {args[0]} FILE SIZE_MB");
        var size = ToolOptions.MiB(o.Positionals[1], "SIZE_MB");
        var store = new BackingStore(new Say($"liveinit backstore {args[0]}", o.Has("verbose")), MountTable.Read());
        return args[0] switch
        {
            "create" => store.Create(o.Positionals[0], size),
            "grow" => store.Grow(o.Positionals[0], size),
            _ => throw new UsageException($"unknown backstore command '{args[0]}' (create, grow)"),
        };
    }

    public const string Help = """
        usage: liveinit backstore create FILE SIZE_MB [-v]
               liveinit backstore grow FILE SIZE_MB [-v]
        SystemRescueCd's sysresccd-backstore: a backing store is an ext4 image holding upperdir/ and workdir/,
        used as the writable layer when found as /sysrcd.bs on a removable device (or named by backstore=).
          create   allocate FILE (SIZE_MB MiB, really reserved) and make the filesystem; FILE must not exist
          grow     enlarge FILE to SIZE_MB MiB without losing data (never shrinks): offline with e2fsck -f and
                   resize2fs; online when it is the mounted writable layer of this system
        Mount the device read-write first, e.g. mount /dev/sdb1 /mnt && liveinit backstore create /mnt/sysrcd.bs 512

        """;
}
