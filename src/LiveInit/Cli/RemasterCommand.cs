using LiveInit.Tools.Common;
using LiveInit.Tools.Remaster;

namespace LiveInit.Cli;

/// <summary><c>liveinit remaster estimate|create</c> and <c>liveinit persist create</c> (antiX live remastering).</summary>
public static class RemasterCommand
{
    private static readonly OptionSpec[] Specs =
    [
        new('e', "exclude", true), new(null, "dir", true), new(null, "name", true), new('c', "compression", true),
        new('l', "level", true), new(null, "force"), new('v', "verbose"),
    ];

    public static int Remaster(string[] args)
    {
        if (args.Length == 0
            || args[0] is "--help" or "-h" or "help") { Console.Out.Write(RemasterHelp); return args.Length == 0 ? 2
            : 0; }
        var o = ToolOptions.Parse(args[1..], Specs);
        if (o.WantsHelp) { Console.Out.Write(RemasterHelp); return 0; }
        if (o.Positionals.Count > 0) throw new UsageException($"unexpected '{o.Positionals[0]}' (excludes go with -e PATH)");
        var system = LiveSystem.Current();
        var say = new Say($"liveinit remaster {args[0]}", o.Has("verbose"));
        var target = RemasterTarget.From(system, o.Get("dir"), o.Get("name"));
        var selection = RootSelection.For(system.Mounts, o.GetAll("exclude"));
        var tool = new RemasterTool(system, say);
        return args[0] switch
        {
            "estimate" => tool.ShowEstimate(target, selection),
            "create" => tool.Create(target, selection, o.Get("compression") ?? "xz", o.Get("level"), o.Has("force")),
            _ => throw new UsageException($"unknown remaster command '{args[0]}' (estimate, create)"),
        };
    }

    public static int Persist(string[] args)
    {
        if (args.Length == 0
            || args[0] is "--help" or "-h" or "help") { Console.Out.Write(PersistHelp); return args.Length == 0 ? 2
            : 0; }
        if (args[0] != "create") throw new UsageException($"unknown persist command '{args[0]}' (create)");
        var o = ToolOptions.Parse(args[1..], [new(null, "dir", true), new('v', "verbose")]);
        if (o.WantsHelp) { Console.Out.Write(PersistHelp); return 0; }
        if (o.Positionals.Count != 2) throw new UsageException("usage: liveinit persist create rootfs|homefs SIZE_MB");
        var system = LiveSystem.Current();
        var target = RemasterTarget.From(system, o.Get("dir"), null);
        return PersistFiles.Create(target, o.Positionals[0], ToolOptions.MiB(o.Positionals[1], "SIZE_MB"), system,
            new Say("liveinit persist create", o.Has("verbose")));
    }

    public const string RemasterHelp = """
        usage: liveinit remaster estimate [-e PATH]... [--dir DIR] [--name NAME]
               liveinit remaster create [-e PATH]... [-c ALG] [-l LEVEL] [--dir DIR] [--name NAME] [--force]
        antiX live remastering (mklinuxfs): a new image of the running system, swapped in at the next boot.
          estimate  0.45 x the data of the running root + 10 MiB (and the quicker current image + 0.45 x the
                    changes + 10 MiB), against the free space on the boot device
          create    NAME.new (default linuxfs.new) beside the image, with NAME.new.md5 (md5sum format); refused
                    when the estimate does not fit, or while NAME.old/.bad exist (the boot would not apply it),
                    unless --force. With root persistence on, an empty rootfs.new too. Compression -c (default xz)
          -e PATH   leave PATH (relative to /) out; tmp, var/tmp and var/log are emptied and other mounted
                    filesystems left out anyway
          --dir     the folder of the image (default: from the antiX boot parameters, e.g. /live/boot-dev/antiX)

        """;

    public const string PersistHelp = """
        usage: liveinit persist create rootfs|homefs SIZE_MB [--dir DIR]
        antiX persistence files next to linuxfs: rootfs (the root's changes; boot with persist_root) or homefs
        (/home; boot with persist_home), an ext4 image of SIZE_MB MiB with its blocks allocated.

        """;
}
