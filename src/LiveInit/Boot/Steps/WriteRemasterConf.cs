using LiveInit.Boot.Layouts;
using LiveInit.Native;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>antiX's <c>/live-config/remaster.conf</c> (seed 004), on every boot where a remaster is possible: the
/// boot device is writable (not read-only, not iso9660/udf/squashfs/erofs) and remastering is not turned off
/// (noremaster). It goes on a small tmpfs of its own at <c>/live-config</c> in the new root, so it is this boot's
/// and never lands in a persistent layer. Values come from the plan and the steps' results (<see
/// cref="RemasterConf"/>).</summary>
public sealed class WriteRemasterConf(string file, RemasterPlan remaster, string mediumMount, string newRoot) : BootStep
{
    public override string Describe() =>
        $"write {file} in the new root (a tmpfs of its own) when the boot device can take a remaster";

    public override void Run(BootContext ctx)
    {
        var medium = ctx.Medium;
        if (medium is null) return;
        var why = Impossible(medium);
        if (why is not null)
        {
            ctx.Log.Info($"no {file}: live remastering is not possible on this boot ({why})");
            return;
        }
        var values = new RemasterConfValues(medium.Device.DevPath, medium.Type ?? "", medium.Label, medium.Uuid,
            mediumMount, Path.Combine(mediumMount, remaster.Directory), remaster.ImageName, "/",
            ctx.Writable?.UpperDir, remaster.SwapRootfs, ctx.Layout.Remaster?.Result,
            ctx.Layout.Remaster?.Replayed == true);
        var dir = Path.Combine(newRoot, Path.GetDirectoryName(file)!.TrimStart('/'));
        try
        {
            Libc.MkdirAll(dir);
            Mounts.MountTmpfs(dir, "size=64k,mode=0755");
            File.WriteAllText(Path.Combine(dir, Path.GetFileName(file)), RemasterConf.Render(values));
            ctx.Log.Info($"{file} written for the live remaster tools");
        }
        catch (Exception e) when (e is IOException or NativeException or UnauthorizedAccessException)
        {
            ctx.Log.Warn($"cannot write {file} ({e.Message}): remaster tools will ask for the boot device");
        }
    }

    private string? Impossible(Devices.ProbedDevice medium)
    {
        if (remaster.Action == RemasterAction.Disabled) return "noremaster";
        if (medium.Type is "iso9660" or "udf" or "squashfs" or "erofs") return $"the boot device is {medium.Type}";
        try
        {
            var ro = File.ReadAllText($"/sys/class/block/{medium.Device.Name}/ro").Trim();
            if (ro == "1") return $"{medium.Device.DevPath} is read-only";
        }
        catch (IOException) { }
        return null;
    }
}
