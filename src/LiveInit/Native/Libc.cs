namespace LiveInit.Native;

/// <summary>
/// Thin layer over glibc, one native call per file (Libc.&lt;Call&gt;.cs), in the manner of dotnet/runtime's
/// Interop.Sys. Every import is source-generated ([LibraryImport]) and bound statically (DirectPInvoke libc),
/// so the static NativeAOT binary needs no dynamic loader. Errors go through <see cref="Errno"/>.
/// </summary>
internal static partial class Libc
{
    internal const string Name = "libc";
}
