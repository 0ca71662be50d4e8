using LiveInit.Tools.Common;
using LiveInit.Tools.Overlay;

namespace LiveInit.Cli;

/// <summary><c>liveinit overlay status|create|resize|recover|merge|reset</c>: Fedora LiveOS persistent overlays.</summary>
public static class OverlayCommand
{
    public static int Run(string[] args)
    {
        if (args.Length == 0
            || args[0] is "--help" or "-h" or "help") { Console.Out.Write(Help); return args.Length == 0 ? 2 : 0; }
        var o = ToolOptions.Parse(args[1..], [new(null, "size-mb", true), new(null, "home-size-mb", true), new(null,
            "overlayfs"),
            new(null, "image", true), new(null, "add-mb", true), new(null, "work", true), new(null, "to", true),
            new('c', "compression", true), new('l', "level", true), new(null, "force"), new('v', "verbose")]);
        if (o.WantsHelp) { Console.Out.Write(Help); return 0; }
        var say = new Say($"liveinit overlay {args[0]}", o.Has("verbose"));
        var where = new OverlayLocator(LiveSystem.Current());
        var files = new OverlayFiles(where, say);
        string? One() => o.Positionals.Count switch
        {
            0 => null,
            1 => o.Positionals[0],
            _ => throw new UsageException("give at most one overlay"),
        };
        long Size(string name) => ToolOptions.MiB(o.Get(name) ?? throw new UsageException($"--{name} N is "
            + "required"), "--" + name);
        switch (args[0])
        {
            case "status":
                return OverlayStatus.Run(where, say);
            case "create":
                if (o.Positionals.Count != 1) throw new UsageException("usage: liveinit overlay create DEVICE "
                    + "--size-mb N [--home-size-mb M] [--overlayfs]");
                return files.Create(o.Positionals[0], o.Has("overlayfs") ? 0 : Size("size-mb"),
                    o.Has("home-size-mb") ? Size("home-size-mb") : null, o.Has("overlayfs"));
            case "resize":
                return files.Resize(One(), Size("size-mb"));
            case "reset":
                return files.Reset(One(), o.Has("force"));
            case "recover":
                return files.Recover(One(), o.Get("image"), o.Has("add-mb") ? Size("add-mb") : null);
            case "merge":
                var to = o.Get("to") ?? "squashfs";
                if (to is not ("squashfs" or "rootfs")) throw new UsageException($"--to takes squashfs or rootfs, "
                    + $"not '{to}'");
                return new OverlayMerge(where, say).Run(One(), o.Get("image"), o.Get("work"), to == "rootfs",
                    o.Get("compression") ?? "xz", o.Get("level"));
            default:
                throw new UsageException($"unknown overlay command '{args[0]}' (status, create, resize, recover, "
                    + "merge, reset)");
        }
    }

    public const string Help = """
        usage: liveinit overlay status
               liveinit overlay create DEVICE --size-mb N [--home-size-mb M] [--overlayfs]
               liveinit overlay resize [OVERLAY] --size-mb N
               liveinit overlay recover [OVERLAY] [--image IMG] [--add-mb N]
               liveinit overlay merge [OVERLAY] [--image IMG] [--work DIR] [--to squashfs|rootfs] [-c ALG] [-l LEVEL]
               liveinit overlay reset [OVERLAY] [--force]
        Fedora LiveOS persistent overlays (rd.live.overlay). OVERLAY defaults to the one overlay-LABEL-UUID on the
        mounted media (or, for resize, the one the running root uses).
          status   how full the overlay is: the dm-snapshot numbers of live-rw (used/total, percent), or
                   "Invalid" (exit 3) once it ran out; for overlayfs, the space of the upper layer's filesystem
          create   LiveOS/overlay-LABEL-UUID on DEVICE (an empty COW file of N MiB; a folder with --overlayfs) and,
                   with --home-size-mb, LiveOS/home.img (ext4, mounted on /home) - livecd-iso-to-disk's options
          resize   grow the COW file (online when the running root uses it); never shrinks
          recover  for an Invalid overlay not in use: mark it valid, e2fsck it through device-mapper, enlarge it
                   (--add-mb, default half its size)
          merge    fold the overlay into a new root image (device-mapper mirror), recompressed into squashfs.img
                   (-c xz by default) or left uncompressed (--to rootfs), then reset the overlay. The merged image
                   is built in --work (default /tmp; it needs the image's full size). The overlay must not be in use
          reset    empty the overlay (in use: only with --force, effective at the next boot)

        """;
}
