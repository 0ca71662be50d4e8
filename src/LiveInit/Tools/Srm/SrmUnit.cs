using System.Text;
using LiveInit.Native;
using LiveInit.Tools.Common;

namespace LiveInit.Tools.Srm;

/// <summary><c>liveinit srm install-unit</c>: a systemd unit that runs <c>liveinit srm load --from-config</c> once at
/// boot, after the network is up (SystemRescue runs late_load_srm from sysrescue-initialize.service), enabled
/// for multi-user.target. Written into a root (the running one, or a staging folder that becomes an SRM).</summary>
public static class SrmUnit
{
    public const string Name = "liveinit-late-load-srm.service";

    public static string Text(string exec) => $"""
        [Unit]
        Description=Late-load the SystemRescue module named by late_load_srm (LiveInit)
        Documentation=https://www.system-rescue.org/Modules/
        Wants=network-online.target
        After=network-online.target local-fs.target

        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart={exec} srm load --from-config

        [Install]
        WantedBy=multi-user.target

        """;

    public static int Install(string root, string exec, Say say)
    {
        if (!exec.StartsWith('/')) throw new ToolFailure($"--exec must be an absolute path, not '{exec}'");
        var rootFull = Path.GetFullPath(root);
        if (!Directory.Exists(rootFull)) throw new ToolFailure($"{rootFull} is not a folder");
        var inRoot = rootFull == "/" ? exec : rootFull.TrimEnd('/') + exec;
        if (!File.Exists(inRoot)) say.Warn($"{exec} does not exist in {rootFull}: the unit will fail until liveinit "
            + "is there");
        else if (exec.StartsWith("/run/", StringComparison.Ordinal) || exec.StartsWith("/tmp/", StringComparison.Ordinal))
            say.Warn($"{exec} lives in a temporary folder and will be gone at the next boot; copy liveinit to "
                + "/usr/local/bin and pass --exec");
        var dir = Path.Combine(rootFull, "etc/systemd/system");
        Libc.MkdirAll(Path.Combine(dir, "multi-user.target.wants"));
        var unit = Path.Combine(dir, Name);
        using (var o = new AtomicOutput(unit))
        {
            File.WriteAllText(o.TempPath, Text(exec), new UTF8Encoding(false));
            Libc.Chmod(o.TempPath, 0x1A4);
            o.Commit(replace: true);
        }
        var link = Path.Combine(dir, "multi-user.target.wants", Name);
        using (var o = new AtomicOutput(link))
        {
            Libc.Symlink("/etc/systemd/system/" + Name, o.TempPath);
            o.Commit(replace: true);
        }
        say.Step($"wrote {unit}, enabled for multi-user.target");
        if (rootFull == "/" && LiveSystem.SystemdRuns)
            ExternalTool.RunChecked(ExternalTool.Require("systemctl", "reload systemd"), ["daemon-reload"],
                "systemctl daemon-reload");
        return 0;
    }
}
