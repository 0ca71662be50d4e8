using LiveInit.Boot.Remaster;
using LiveInit.Plan;

namespace LiveInit.Boot;

/// <summary>What the layout-contract steps learn while the boot runs (see <see cref="LayoutPlan"/>).</summary>
public sealed class LayoutState
{
    /// <summary>The layout found by detection, and the top-level folder a <c>*</c> in its marker matched.</summary>
    public LayoutCandidate? Detected { get; set; }
    public string? DetectedFolder { get; set; }

    /// <summary>The plan the detected layout yields; the executor runs its steps next.</summary>
    public BootPlan? NextPlan { get; set; }

    /// <summary>The result of the remaster step on this boot (null: the step did not run or found no folder).</summary>
    public RemasterOutcome? Remaster { get; set; }

    /// <summary>copytoram copied the SRMs too: they are read from here (same folder layout as on the medium).</summary>
    public string? SrmCopyRoot { get; set; }
}
