using LiveInit.Boot;

namespace LiveInit.Cli;

public static class Program
{
    public const string Version = "0.1.0";

    public static int Main(string[] args)
    {
        // As /init in an initramfs the kernel starts us as PID 1: boot, never return. The kernel hands init
        // every command-line word it does not know (e.g. "loadsrm"): those are not options of ours.
        BootTimings.MarkProcessStart();
        if (Native.Libc.Getpid() == 1) Pid1(args.Length > 0 && args[0] == "boot" ? args[1..] : []);
        if (args.Length > 0 && args[0] == "boot") return InitMain.Run(args[1..]);
        if (args.Length == 0) { Console.Error.Write(Usage); return 2; }
        try
        {
            return args[0] switch
            {
                "explain" => ExplainCommand.Run(args[1..]),
                "probe" => ProbeCommand.Run(args[1..]),
                "names" => NamesCommand.Run(args[1..]),
                "analyze" => AnalyzeCommand.Run(args[1..]),
                "mkinitramfs" => MkinitramfsCommand.Run(args[1..]),
                "remaster-step" => RemasterStepCommand.Run(args[1..]),
                Modules.HelperInserter.Command => Modules.ModuleHelper.Serve(),
                "srm" => SrmCommand.Run(args[1..]),
                "fetch" => FetchCommand.Run(args[1..]),
                "backstore" => BackstoreCommand.Run(args[1..]),
                "overlay" => OverlayCommand.Run(args[1..]),
                "remaster" => RemasterCommand.Remaster(args[1..]),
                "persist" => RemasterCommand.Persist(args[1..]),
                "--help" or "-h" or "help" => Help(),
                "--version" or "-V" => VersionOut(),
                _ => Unknown(args[0]),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"liveinit {Command(args)}: {e.Message}");
            return 2;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"liveinit {Command(args)}: {e.Message}");
            return 1;
        }
    }

    /// <summary>PID 1 must never exit (the kernel would panic): whatever InitMain does, including returning or
    /// throwing, ends in the emergency policy, and if even that comes back, in a sleep loop.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Pid1(string[] args)
    {
        var log = new BootLog();
        // an exception on another thread would end the process: take it to the emergency policy on that thread
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            Emergency.Handle(log, null, null, [], "internal error on a background thread: "
                + (e.ExceptionObject is Exception x ? $"{Probe.ExceptionNames.Of(x)}: {x.Message}" : "unknown"));
        string message;
        try
        {
            RuntimeSeeds.InitialiseBeforeDev();
            InitMain.Run(args);
            message = "the boot ended without starting an init";
        }
        catch (Exception e) { message = $"internal error: {Probe.ExceptionNames.Of(e)}: {e.Message}"; }
        while (true)
        {
            try { Emergency.Handle(log, null, null, [], message); }
            catch (Exception) { }
            Thread.Sleep(TimeSpan.FromMinutes(1));
        }
    }

    /// <summary>"srm pack" for the live-system tools (a command and its subcommand), else the command.</summary>
    private static string Command(string[] args) =>
        args.Length > 1 && args[0] is "srm" or "backstore" or "overlay" or "remaster" or "persist"
                        && !args[1].StartsWith('-')
            ? $"{args[0]} {args[1]}" : args[0];

    private static int Help() { Console.Out.Write(Usage); return 0; }
    private static int VersionOut() { Console.Out.WriteLine($"liveinit {Version}"); return 0; }
    private static int Unknown(string cmd) { Console.Error.WriteLine($"liveinit: unknown command '{cmd}'\n"); Console.Error.Write(Usage); return 2; }

    public const string Usage = """
        liveinit - early-boot agent for live Linux systems

        usage:
          liveinit explain [--cmdline STRING] [--format text|json] [--initramfs-config FILE] [--trusted-keys DIR]
              print the boot plan for a kernel command line (default: /proc/cmdline); touches nothing.
              The emergency policy includes the image's default (FILE, else /etc/liveinit/initramfs.conf),
              the signature policy its trusted keys (DIR, else /etc/liveinit/trusted-keys)
              [--medium DIR [--device DEV]]: with no dialect parameter, detect the layout on a mounted medium
          liveinit probe [--format export|json] [PATH...]
              identify filesystems and partition tables like blkid -p (default: every block device)
          liveinit names [--sys DIR] [DEVICE...]
              the /dev/disk/by-id and by-path names udev would give each device, computed from sysfs
          liveinit mkinitramfs --modules-root DIR [--kernel-release KVER] --output FILE
                               [--busybox PATH] [--module NAME...] [--extra-module FILE.ko...] [--compress-modules xz]
                               [--emergency shell|reboot|poweroff] [--no-shell] [--compress zstd|gzip|lz4|xz|none]
                               [--agent-early] [--net] [--trust-key KEY.pem...] [--allow-unsigned]
                               [--tls [--ca-cert CA.pem...]] [--autooverlay] [--overlay-crypt]
              write a reproducible newc initramfs (zstd) with liveinit as /init; --emergency sets what a
              fatal boot error ends in (the command line can make it stricter, never weaker; reboot and
              poweroff leave busybox out, as --no-shell does); --agent-early stores the agent uncompressed
              in a first archive; --net adds NIC drivers, nbd and nfsv4 for network boots (ip=,
              archiso_http_srv=, root=live:http://..., fetch=, archiso_nbd_srv=, archiso_nfs_srv=);
              --trust-key bakes in a public key (RSA or EC P-256): the image and SRMs then need a <file>.sig
              made by openssl dgst -sha256 -sign that verifies, and unsigned files are refused unless
              --allow-unsigned; --tls (with --agent artifacts/liveinit-tls from ./build.sh tls)
              bakes in the host's CA certificates and the --ca-cert files for https:// downloads;
              --autooverlay adds this host's mke2fs and its libraries (dracut's autooverlay formats with it);
              --overlay-crypt adds this host's cryptsetup and mke2fs with their libraries, dm-crypt and the
              ciphers of aes-xts-plain64 (rd.overlay.crypt: an encrypted overlay, LUKS2 made at first boot)
          liveinit remaster-step --medium DIR [--bdir antiX] [--sqname linuxfs] [--rollback|--noremaster]
                                 [--persist-root] [--stop-after N]
              test and repair aid: the antiX remaster step of the boot on a medium mounted elsewhere
              (finishes an interrupted remaster/rollback); --stop-after N leaves a power cut's state
          liveinit boot [--cmdline STRING] [--sysroot DIR] [--no-switch-root]
              run the boot sequence (what /init does as PID 1); embedded in another initramfs,
              assemble the root at DIR and return instead of switching to it
          liveinit fetch URL OUT [--sha512] [--tries N] [--max-size-mb N] [--dns ADDR] [--quiet]
              the boot's own HTTP download (Range resume, retries with backoff) as a host command
          liveinit analyze [blame|time] [--file PATH]
              in the booted system: the kernel's time to /init and each boot step's start and duration
              (from /run/liveinit/timings.json), slowest first (blame) or in order (time)
          liveinit module-helper
              (started by the boot) insert the modules named on standard input, one "ID PATH" per line
          liveinit srm pack|load|install-unit ...        (in the running live system; each has --help)
              make an SRM of this session's changes, late-load an SRM, a unit for late_load_srm
          liveinit backstore create|grow FILE SIZE_MB
              make or enlarge a backing store (an ext4 image with upperdir/ and workdir/)
          liveinit overlay status|create|resize|recover|merge|reset ...
              Fedora LiveOS persistent overlays: fill level, create, grow, recover, fold into the image
          liveinit remaster estimate|create [-e PATH]...   liveinit persist create rootfs|homefs SIZE_MB
              antiX live remastering (a new linuxfs.new of the running root) and persistence files
          liveinit --help | --version

        """;
}

/// <summary>Bad command-line usage of the liveinit tool itself (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);
