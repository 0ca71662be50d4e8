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
        var layout = plan.Layout;
        if (layout is { Detect.Count: > 0 })
        {
            // no dialect parameter: the layout found on the medium yields the plan the boot goes on with
            steps.Add(new FindMedium(plan.Medium, [], layout.Detect));
            steps.Add(new AdoptDetectedLayout(layout, plan.Medium.MountPoint));
            return steps;
        }
        if (plan.Net is { } net) steps.Add(new Net.NetworkUp(net));
        var netImage = plan.Net?.Image;
        if (plan.Medium.Device is null && plan.Medium.SearchFile is null && plan.ImageFile is null && netImage is null
            && plan.Nfs is null)
            return steps;
        var mp = plan.Medium.MountPoint;
        if (netImage is not null)
        {
            steps.Add(new Net.FetchImage(netImage));   // no medium: the image is in RAM
            if (plan.Verify is not null) steps.Add(new VerifyFetchedSignature(netImage, plan.Verify));
        }
        else
        {
            if (plan.Medium.Nbd is { } nbd) steps.Add(new ConnectNbd(nbd, plan.Medium.WaitSeconds));
            steps.Add(plan.Nfs is { } nfs ? new MountNfs(nfs, plan.Medium)
                : plan.ImageFile is null ? new FindMedium(plan.Medium, plan.Image.Candidates)
                : new OpenImageFile(plan.ImageFile, plan.Medium));
            if (layout?.MediumLink is { } link) steps.Add(new LinkMediumDevice(link));
            if (plan.OverlayRoot is { } overlayRoot)
            {
                steps.Add(new UseRootDevice(overlayRoot, mp, options.NewRoot));
                if (overlayRoot.Overlay)
                {
                    steps.Add(new PrepareWritable(plan.Writable));
                    steps.Add(new AssembleRoot(plan.Image, plan.Writable, options.NewRoot));
                }
                if (plan.Net is { } withRoot) steps.Add(new Net.HandOverNetwork(withRoot));
                if (options.SwitchRoot) steps.Add(new SwitchRoot(plan.Init, options.NewRoot));
                return steps;
            }
            if (plan.Remaster.Action != RemasterAction.None) steps.Add(new ApplyRemaster(plan.Remaster, mp));
            if (plan.Image.CopyToRam != ImageCopy.No) steps.Add(new CopyImageToRam(plan.Image, mp, plan.Srm));
            if (plan.Verify is not null) steps.Add(new VerifySignature(plan.Image, plan.Verify, mp));
            if (plan.Image.ChecksumFile is not null) steps.Add(new VerifyChecksum(plan.Image, mp));
        }
        steps.Add(new MountImage(plan.Image, mp, layout?.MediumMayBeImage == true && netImage is null));
        if (plan.Srm.Enabled && netImage is null) steps.Add(new MountSrms(plan.Srm, mp, plan.Verify));
        if (plan.Net is { SrmUrls.Count: > 0 } withSrms)
            steps.Add(new Net.FetchSrms(withSrms, plan.Srm.MountRoot, plan.Verify));
        steps.Add(new PrepareWritable(plan.Writable));
        steps.Add(new AssembleRoot(plan.Image, plan.Writable, options.NewRoot));
        if (plan.Writable is LiveBootPersistence) steps.Add(new MountPersistentPaths(options.NewRoot));
        if (plan.Home is not null) steps.Add(new MountHome(plan.Home, mp));
        if (layout?.Aliases is { Count: > 0 } aliases) steps.Add(new ShowMountsInRoot(aliases, options.NewRoot));
        if (layout?.RemasterConf is { } conf && plan.Remaster.Action != RemasterAction.None)
            steps.Add(new WriteRemasterConf(conf, plan.Remaster, mp, options.NewRoot));
        if (plan.Image.CopyToRam != ImageCopy.No && netImage is null)
            steps.Add(new ReleaseMedium(mp, plan.Image.RamCopyDir, plan.Srm.Enabled));
        if (plan.Net is { } handover) steps.Add(new Net.HandOverNetwork(handover));
        if (options.SwitchRoot) steps.Add(new SwitchRoot(plan.Init, options.NewRoot));
        return steps;
    }
}
