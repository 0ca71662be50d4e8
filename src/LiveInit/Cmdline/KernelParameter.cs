namespace LiveInit.Cmdline;

/// <summary>One word of the kernel command line: <c>key=value</c> or a bare flag (Value is null).</summary>
public sealed record KernelParameter(string Key, string? Value)
{
    public override string ToString() => Value is null ? Key : $"{Key}={Value}";
}
