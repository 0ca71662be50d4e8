using LiveInit.Boot.Steps;
using LiveInit.Plan;

namespace LiveInit.Boot;

/// <summary>The ordered steps for a plan: the single list both <c>explain</c> and the executor use.</summary>
public static class BootSequence
{
    public static IReadOnlyList<BootStep> For(BootPlan plan, BootOptions? options = null)
    {
        options ??= BootOptions.Default;
        var steps = new List<BootStep> { new MountKernelFilesystems(), new LoadDrivers(plan) };
        if (plan.Net is { } net) steps.Add(new Net.NetworkUp(net));
        if (plan.Medium.Device is null && plan.Medium.SearchFile is null && plan.Net?.Image is null) return steps;
        var mp = plan.Medium.MountPoint;
        if (plan.Net?.Image is { } netImage)
        {
            steps.Add(new Net.FetchImage(netImage));   // no medium: the image is in RAM
            if (plan.Verify is not null) steps.Add(new VerifyFetchedSignature(netImage, plan.Verify));
        }
        else
        {
            if (plan.Medium.Nbd is { } nbd) steps.Add(new ConnectNbd(nbd, plan.Medium.WaitSeconds));
            steps.Add(new FindMedium(plan.Medium, plan.Image.Candidates));
            if (plan.Remaster.Action != RemasterAction.None) steps.Add(new ApplyRemaster(plan.Remaster, mp));
            if (plan.Image.CopyToRam != ImageCopy.No) steps.Add(new CopyImageToRam(plan.Image, mp));
            if (plan.Verify is not null) steps.Add(new VerifySignature(plan.Image, plan.Verify, mp));
            if (plan.Image.ChecksumFile is not null) steps.Add(new VerifyChecksum(plan.Image, mp));
        }
        steps.Add(new MountImage(plan.Image, mp));
        if (plan.Srm.Enabled && plan.Net?.Image is null) steps.Add(new MountSrms(plan.Srm, mp, plan.Verify));
        if (plan.Net is { SrmUrls.Count: > 0 } withSrms)
            steps.Add(new Net.FetchSrms(withSrms, plan.Srm.MountRoot, plan.Verify));
        steps.Add(new PrepareWritable(plan.Writable));
        steps.Add(new AssembleRoot(plan.Image, plan.Writable, options.NewRoot));
        if (plan.Home is not null) steps.Add(new MountHome(plan.Home, mp));
        if (plan.Net is { } handover) steps.Add(new Net.HandOverNetwork(handover));
        if (options.SwitchRoot) steps.Add(new SwitchRoot(plan.Init, options.NewRoot));
        return steps;
    }
}
