using System.Text.Json.Serialization;

namespace LiveInit.Plan;

/// <summary>Source-generated JSON for the plan (no reflection in the AOT binary).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ExplainDocument))]
internal sealed partial class PlanJsonContext : JsonSerializerContext;

/// <summary>What <c>liveinit explain --format json</c> prints: the plan, the command line and the steps.</summary>
public sealed record ExplainDocument(string Cmdline, BootPlan Plan, IReadOnlyList<string> Steps);
