using System.Collections;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot;

/// <summary>
/// switch_root in the manner of systemd's switch-root.c and busybox. Every init candidate is checked
/// (<see cref="InitCandidates"/>) while the initramfs and its emergency shell still exist: when none is good
/// the boot fails here, before anything irreversible. Then: make / private; move the API filesystems
/// (/dev /proc /sys /run) and the dialect's mount trees into the new root; delete the initramfs only when we
/// are PID 1, / is ramfs/tmpfs and the new root is another filesystem, never crossing st_dev; MS_MOVE the new
/// root onto /, chroot, and exec the first good candidate with the arguments after <c>--</c> (the next good one
/// when execve fails). The log stays open throughout: its descriptors are close-on-exec.
/// </summary>
public static class RootSwitcher
{
    public static readonly string[] DefaultInits = InitCandidates.KernelOrder;
    private static readonly string[] ApiMounts = ["/dev", "/proc", "/sys", "/run"];

    public static void Switch(BootContext ctx, InitPlan plan)
    {
        var root = ctx.NewRoot;
        var checkedInits = InitCandidates.Check(root, plan.Path);
        foreach (var c in checkedInits.Where(c => !c.IsGood))
        {
            if (c.Path == plan.Path)
                ctx.Log.Warn($"init={c.Path} {c.Problem}; trying {string.Join(", ", DefaultInits)}");
            else ctx.Log.Detail($"init candidate {c.Path} {c.Problem}");
        }
        var good = checkedInits.Where(c => c.IsGood).Select(c => c.Path).ToList();
        if (good.Count == 0)
            throw new BootFailure("the new root has no init that can run: "
                + string.Join("; ", checkedInits.Select(c => $"{c.Path} {c.Problem}"))
                + ". The image is not a bootable root filesystem, or init= names the wrong file.");
        if (Libc.Getpid() != 1)
            throw new BootFailure($"not PID 1: the root is ready at {root}, but switch_root is only done by /init");

        ctx.FinishDrivers();   // no module may still be read from the initramfs when it is deleted
        Libc.Sync();
        Libc.TryMount(null, "/", null, Libc.MS_REC | Libc.MS_PRIVATE, null);
        MoveMounts(ctx, root);
        ctx.Log.Notice($"switching to the new root, exec {good[0]}");
        Libc.Chdir(root);
        DeleteInitramfs(root);
        var moved = Libc.TryMount(root, "/", null, Libc.MS_MOVE, null);
        if (moved != 0) ctx.Log.Warn($"moving {root} onto / failed ({Errno.Describe(moved)}); chroot into it instead");
        Libc.Chroot(".");
        Libc.Chdir("/");
        // the switch's own timing, into the new root's /run (moved above): the last entry before exec
        if (ctx.Timings?.End() is { } t) InitMain.LogTiming(ctx.Log, ctx.Timings, t);
        var env = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) env.Add($"{e.Key}={e.Value}");
        foreach (var c in good)
        {
            var err = Libc.Execve(c, [c, .. plan.Arguments], env);
            ctx.Log.Error($"exec {c} failed: {Errno.Describe(err)}");
        }
        throw new BootFailure($"no init could be executed in the new root (tried {string.Join(", ", good)})");
    }

    private static void MoveMounts(BootContext ctx, string root)
    {
        foreach (var m in ApiMounts.Concat(ctx.ExtraMountRoots))
        {
            if (!Mounts.IsMountPoint(m) && !ctx.ExtraMountRoots.Contains(m)) continue;
            var target = root + m;
            try { Libc.MkdirAll(target); }
            catch (NativeException e) { ctx.Log.Warn($"cannot make {target} ({e.Message}); {m} stays behind"); continue; }
            var err = Libc.TryMount(m, target, null, Libc.MS_MOVE, null);
            if (err != 0)
            {
                ctx.Log.Warn($"moving {m} to {target} failed ({Errno.Describe(err)}); unmounting it");
                Libc.TryUmount(m, Libc.MNT_DETACH);
            }
        }
    }

    /// <summary>Resolves a path inside a root the way chroot would (absolute symlinks stay inside).</summary>
    public static string? ResolveInRoot(string root, string path, int depth = 0)
    {
        if (depth > 40) return null;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "";
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i] == ".") continue;
            if (parts[i] == "..") { current = current.Length == 0 ? "" : current[..current.LastIndexOf('/')]; continue; }
            var next = current + "/" + parts[i];
            if (Libc.TryLstat(root + next, out var st) && st.IsSymlink)
            {
                string target;
                try { target = new FileInfo(root + next).LinkTarget ?? ""; }
                catch (IOException) { return null; }
                var rest = string.Join('/', parts.Skip(i + 1));
                var joined = target.StartsWith('/') ? target : current + "/" + target;
                return ResolveInRoot(root, joined + (rest.Length > 0 ? "/" + rest : ""), depth + 1);
            }
            current = next;
        }
        return root + current;
    }

    /// <summary>Empties the initramfs, but only when that is provably what / is.</summary>
    public static void DeleteInitramfs(string newRoot)
    {
        if (Libc.Getpid() != 1) return;
        var rootFs = Libc.Statfs("/");
        if (rootFs.Type != StatfsBuf.RAMFS_MAGIC && rootFs.Type != StatfsBuf.TMPFS_MAGIC) return;
        var rootSt = Libc.Stat("/");
        if (Libc.Stat(newRoot).Dev == rootSt.Dev) return;
        DeleteTree("/", rootSt.Dev, newRoot);
    }

    private static void DeleteTree(string dir, ulong dev, string keep)
    {
        IEnumerable<string> entries;
        try { entries = Directory.EnumerateFileSystemEntries(dir).ToList(); }
        catch (IOException) { return; }
        catch (UnauthorizedAccessException) { return; }
        foreach (var path in entries)
        {
            if (path == keep || !Libc.TryLstat(path, out var st) || st.Dev != dev) continue;
            if (st.IsDirectory)
            {
                DeleteTree(path, dev, keep);
                Libc.TryRmdir(path);
            }
            else Libc.TryUnlink(path);
        }
    }
}
