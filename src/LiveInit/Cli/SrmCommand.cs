using LiveInit.Tools.Common;
using LiveInit.Tools.Srm;

namespace LiveInit.Cli;

/// <summary><c>liveinit srm pack|load|install-unit</c>: SystemRescue modules made and loaded in the running
/// system.</summary>
public static class SrmCommand
{
    public static int Run(string[] args)
    {
        if (args.Length == 0
            || args[0] is "--help" or "-h" or "help") { Console.Out.Write(Help); return args.Length == 0 ? 2 : 0; }
        return args[0] switch
        {
            "pack" => Pack(args[1..]),
            "load" => Load(args[1..]),
            "install-unit" => InstallUnit(args[1..]),
            _ => throw new UsageException($"unknown srm command '{args[0]}' (pack, load, install-unit)"),
        };
    }

    private static int Pack(string[] args)
    {
        var o = ToolOptions.Parse(args, [new(null, "pacman"), new('s', "stage", true), new('c', "compression", true),
            new('l', "level", true), new(null, "staging", true), new('e', "exclude", true), new(null,
                "force"), new('v', "verbose")]);
        if (o.WantsHelp) { Console.Out.Write(PackHelp); return 0; }
        var stage = (o.Get("stage") ?? "all") switch
        {
            "prepare" => PackStage.Prepare,
            "create" => PackStage.Create,
            "all" => PackStage.All,
            var s => throw new UsageException($"-s takes prepare, create or all, not '{s}'"),
        };
        if (o.Positionals.Count > 1) throw new UsageException("give at most one target file");
        var request = new PackRequest(o.Has("pacman"), stage, o.Get("compression") ?? "zstd", o.Get("level"),
            o.Positionals.FirstOrDefault(), o.Get("staging"), o.GetAll("exclude"), o.Has("force"));
        return new SrmPack(request, LiveSystem.Current(), new Say("liveinit srm pack", o.Has("verbose"))).Run();
    }

    private static int Load(string[] args)
    {
        var o = ToolOptions.Parse(args, [new('v', "verbose"), new('i', "insecure"), new(null, "from-config"),
            new(null, "root", true), new(null, "max-size-mb", true)]);
        if (o.WantsHelp) { Console.Out.Write(LoadHelp); return 0; }
        var say = new Say("liveinit srm load", o.Has("verbose"));
        var system = LiveSystem.Current();
        var max = o.Get("max-size-mb") is { } m ? ToolOptions.MiB(m, "--max-size-mb") << 20 : 4L << 30;
        string source;
        if (o.Has("from-config"))
        {
            if (o.Positionals.Count > 0) throw new UsageException("--from-config takes no PATH or URL");
            var boot = system.Plan?.Dialect.StartsWith("archiso", StringComparison.Ordinal) == true
                ? system.Plan.Medium.MountPoint : "/run/archiso/bootmnt";
            if (!Directory.Exists(boot)) { say.Step($"no boot medium at {boot}: nothing to late-load"); return 0; }
            var value = SysrescueConfig.LateLoadSrm(boot, out var from);
            if (value is null) { say.Step($"no late_load_srm in {from}: nothing to load"); return 0; }
            say.Step($"late_load_srm = {value} (from {from})");
            source = value;
        }
        else
        {
            if (o.Positionals.Count != 1) throw new UsageException("give one PATH or URL of the SRM (see --help)");
            source = o.Positionals[0];
        }
        var request = new LoadRequest(source, o.Has("insecure"), o.Get("root") ?? "/", max, QueueMultiUser: true);
        return new SrmLoad(request, system, say).Run();
    }

    private static int InstallUnit(string[] args)
    {
        var o = ToolOptions.Parse(args, [new(null, "root", true), new(null, "exec", true)]);
        if (o.WantsHelp) { Console.Out.Write(UnitHelp); return 0; }
        var exec = o.Get("exec") ?? Environment.ProcessPath ?? "/usr/local/bin/liveinit";
        return SrmUnit.Install(o.Get("root") ?? "/", exec, new Say("liveinit srm install-unit"));
    }

    public const string Help = """
        usage: liveinit srm pack|load|install-unit [options]   (each has --help)
          pack          pack the live system's changes into an SRM (cowpacman2srm)
          load          copy an SRM's content into the running system (load-srm, late_load_srm)
          install-unit  a systemd unit running 'liveinit srm load --from-config' once at boot

        """;

    public const string PackHelp = $"""
        usage: liveinit srm pack [--pacman] [-s prepare|create|all] [-c ALG] [-l LEVEL] [--staging DIR]
                                 [-e PATH]... [--force] [-v] [TARGET.srm]
        SystemRescue's cowpacman2srm: make a module (squashfs) of what changed in this live session.
          --pacman      only the pacman packages installed in the copy-on-write layer (their files, their
                        database entries, the systemd unit links pointing at them); without it, every change
                        of the upper layer of /, deletions (whiteouts) and replaced folders included
          -s STAGE      prepare: fill the staging folder and stop (edit it, then -s create);
                        create: make TARGET.srm from the staging folder; all (default): both
          -c ALG        mksquashfs compression (default zstd); -l LEVEL its -Xcompression-level
          --staging DIR default {SrmPack.PeerStaging} ({SrmPack.RunStaging} when /tmp is part of the overlay)
          -e PATH       leave PATH (relative to /) out of the changes; repeatable
          --force       replace an existing TARGET.srm
        TARGET.srm defaults to ./liveinit-DATE-TIME.srm. Copy it next to the image on the boot medium and boot
        with loadsrm, or load it in a running system with 'liveinit srm load'.

        """;

    public const string LoadHelp = """
        usage: liveinit srm load [-v|--verbose] [-i|--insecure] [--max-size-mb N] [--root DIR] PATH|URL
               liveinit srm load --from-config
        SystemRescue's load-srm: copy the content of an SRM over the running root, so it lands in the
        copy-on-write layer (and a persistent store). Deletions recorded in the SRM are carried out.
        Then systemctl daemon-reload and a queued start of multi-user.target, when systemd runs.
          PATH|URL       a file, or http:// (built-in client) or https:// (curl or wget, certificates verified)
          -i, --insecure accept an https server whose certificate does not verify
          --max-size-mb  refuse downloads larger than this (default 4096, and never more than the free space)
          --root DIR     copy into DIR instead of /
          --from-config  load what late_load_srm names in sysrescue.d/*.yaml on the boot medium (global scope)
          -v, --verbose  every step and every path

        """;

    public const string UnitHelp = """
        usage: liveinit srm install-unit [--root DIR] [--exec PATH]
        Write liveinit-late-load-srm.service (runs 'liveinit srm load --from-config' once at boot, after
        network-online.target) into DIR/etc/systemd/system and enable it for multi-user.target.
          --root DIR   a root other than / (e.g. an SRM staging folder)
          --exec PATH  the liveinit binary the unit runs (default: this one)

        """;
}
