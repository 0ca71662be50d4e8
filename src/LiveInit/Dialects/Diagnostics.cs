using LiveInit.Plan;

namespace LiveInit.Dialects;

/// <summary>Collects the warnings and errors a dialect finds while it builds a plan.</summary>
public sealed class Diagnostics
{
    private readonly List<PlanDiagnostic> _items = [];
    public IReadOnlyList<PlanDiagnostic> Items => _items;
    public void Warn(string parameter, string message) => _items.Add(new(Severity.Warning, parameter, message));
    public void Error(string parameter, string message) => _items.Add(new(Severity.Error, parameter, message));
}
