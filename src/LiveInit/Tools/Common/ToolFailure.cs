namespace LiveInit.Tools.Common;

/// <summary>A live-system tool cannot do what it was asked: the message says what went wrong, where, and what to do
/// next. The command line reports it and exits with 1; nothing half-done is left behind.</summary>
public sealed class ToolFailure(string message, Exception? inner = null) : IOException(message, inner);
