using System.Reflection;
using System.Reflection.Emit;

namespace LiveInit.Tests;

/// <summary>The agent is compiled without reflection data (IlcDisableReflection: ~0.6 MB less): an enum formatted
/// by name would print its number, <c>GetType().Name</c> a mangled name, <c>Enum.IsDefined</c> would throw. The JIT
/// used by these tests has reflection, so the agent's IL is read here for those uses instead.</summary>
public class NoReflectionTests
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Each (method, what) where the IL boxes an enum, calls a constrained virtual on an enum (its
    /// ToString), instantiates a generic method over an enum (an interpolated <c>{kind}</c>), or calls a
    /// reflection-only API.</summary>
    private static IEnumerable<string> Uses()
    {
        var asm = typeof(LiveInit.Plan.BootPlan).Assembly;
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance
                                 | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in asm.GetTypes())
        foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            var il = m.GetMethodBody()?.GetILAsByteArray();
            if (il is null) continue;
            // records print every member in their compiler-made ToString; those are not called by the agent
            if (m.Name is "PrintMembers" || (m.Name == "ToString" && type.GetMethod("PrintMembers", all) is not null))
                continue;
            var where = $"{type.FullName}.{m.Name}";
            for (var i = 0; i < il.Length;)
            {
                short v = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
                var op = OpCodesByValue[v];
                i += op.Size;
                var operand = i;
                i += op.OperandType switch
                {
                    OperandType.InlineNone => 0, OperandType.ShortInlineBrTarget or OperandType.ShortInlineI
                        or OperandType.ShortInlineVar => 1,
                    OperandType.InlineVar => 2, OperandType.InlineI8 or OperandType.InlineR => 8,
                    OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, operand),
                    _ => 4,
                };
                if (op.OperandType is not (OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineTok))
                    continue;
                var token = BitConverter.ToInt32(il, operand);
                if (op == OpCodes.Box || op == OpCodes.Constrained)
                {
                    var t = m.Module.ResolveType(token, type.IsGenericType ? type.GetGenericArguments() : null,
                        m.IsGenericMethod ? m.GetGenericArguments() : null);
                    if (t.IsEnum) yield return $"{where}: {op.Name} {t.Name}";
                }
                else if (op.OperandType == OperandType.InlineMethod)
                {
                    MethodBase callee;
                    try { callee = m.Module.ResolveMethod(token, type.IsGenericType ? type.GetGenericArguments() : null,
                        m.IsGenericMethod ? m.GetGenericArguments() : null)!; }
                    catch (ArgumentException) { continue; }
                    if (callee.IsGenericMethod && callee.GetGenericArguments().Any(a => a.IsEnum)
                        && callee.DeclaringType != typeof(System.Runtime.CompilerServices.Unsafe) && callee.DeclaringType?.Namespace != "System.Linq"
                        && !callee.DeclaringType!.FullName!.StartsWith("System.Collections", StringComparison.Ordinal))
                        yield return $"{where}: {callee.DeclaringType?.Name}.{callee.Name}<enum>";
                    if (callee.IsGenericMethod && callee.Name is "AppendFormatted"
                        && callee.GetGenericArguments()[0] is { IsEnum: false } shown && PrintsAnEnum(shown, 0))
                        yield return $"{where}: {{{shown.Name}}} prints its members, an enum among them";
                    if (callee.IsGenericMethod && callee.Name is "AppendFormatted"
                        && typeof(Exception).IsAssignableFrom(callee.GetGenericArguments()[0]))
                        yield return $"{where}: an exception's ToString (its type name has no metadata; use ExceptionNames)";
                    if ((callee.DeclaringType == typeof(Enum) && callee.Name is not ("HasFlag" or "GetHashCode"))
                        || (callee.DeclaringType == typeof(MemberInfo) || callee.DeclaringType == typeof(Type))
                        && callee.Name is "get_Name" or "get_FullName" or "GetProperties" or "GetFields" or "GetMethods")
                        yield return $"{where}: {callee.DeclaringType?.Name}.{callee.Name}";
                }
            }
        }
    }

    /// <summary>A record's compiler-made ToString (interpolated as <c>{record}</c>) formats every member: an enum
    /// member, or a member record that has one, would print as a number.</summary>
    private static bool PrintsAnEnum(Type t, int depth)
    {
        if (depth > 4 || t.Assembly != typeof(LiveInit.Plan.BootPlan).Assembly) return false;
        var toString = t.GetMethod("ToString", Type.EmptyTypes);
        if (toString?.DeclaringType != t
            || !toString.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute))) return false;
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var pt = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (pt.IsEnum || PrintsAnEnum(pt, depth + 1)) return true;
        }
        return false;
    }

    [Fact]
    public void TheAgentNeedsNoReflectionData() => Assert.True(!Uses().Any(), string.Join("\n", Uses().Distinct()));
}

public class ExceptionNameTests
{
    [Fact]
    public void EachNamedExceptionIsItsOwnTypeName()
    {
        foreach (var e in new Exception[]
                 {
                     new ArgumentOutOfRangeException(), new ArgumentNullException(), new ArgumentException(),
                     new IndexOutOfRangeException(), new OverflowException(), new DivideByZeroException(),
                     new InvalidDataException(), new EndOfStreamException(), new FileNotFoundException(),
                     new DirectoryNotFoundException(), new IOException(), new UnauthorizedAccessException(),
                     new ObjectDisposedException("x"), new InvalidOperationException(), new NotSupportedException(),
                     new NotImplementedException(), new FormatException(), new NullReferenceException(),
                     new InvalidCastException(), new OutOfMemoryException(), new TimeoutException(),
                     new OperationCanceledException(), new Exception(),
                 })
            Assert.Equal(e.GetType().Name, LiveInit.Probe.ExceptionNames.Of(e));
    }
}
