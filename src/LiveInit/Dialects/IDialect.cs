using LiveInit.Cmdline;
using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary>One peer's boot-parameter language, turned into a <see cref="BootPlan"/>.</summary>
public interface IDialect
{
    /// <summary>Short name used by <c>liveinit.dialect=</c> and printed in the plan.</summary>
    string Name { get; }

    /// <summary>Parameters that name the boot medium; their presence makes this dialect a strong claimant.</summary>
    IReadOnlyList<string> MediumParameters { get; }

    /// <summary>Every parameter this dialect reads (a weak claim when no medium parameter is present).</summary>
    IReadOnlyList<string> Parameters { get; }

    BootPlan Build(KernelCommandLine cmdline, Diagnostics diagnostics);
}
