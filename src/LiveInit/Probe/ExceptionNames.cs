namespace LiveInit.Probe;

/// <summary>The type name of an exception for a one-line message. The agent carries no reflection data
/// (<c>GetType().Name</c> would print a mangled name), so the exceptions code can throw are named here, the
/// derived before their base; anything else is an "Exception".</summary>
public static class ExceptionNames
{
    public static string Of(Exception e) => e switch
    {
        ArgumentOutOfRangeException => "ArgumentOutOfRangeException",
        ArgumentNullException => "ArgumentNullException",
        ArgumentException => "ArgumentException",
        IndexOutOfRangeException => "IndexOutOfRangeException",
        OverflowException => "OverflowException",
        DivideByZeroException => "DivideByZeroException",
        InvalidDataException => "InvalidDataException",
        EndOfStreamException => "EndOfStreamException",
        FileNotFoundException => "FileNotFoundException",
        DirectoryNotFoundException => "DirectoryNotFoundException",
        IOException => "IOException",
        UnauthorizedAccessException => "UnauthorizedAccessException",
        ObjectDisposedException => "ObjectDisposedException",
        InvalidOperationException => "InvalidOperationException",
        NotSupportedException => "NotSupportedException",
        NotImplementedException => "NotImplementedException",
        FormatException => "FormatException",
        NullReferenceException => "NullReferenceException",
        InvalidCastException => "InvalidCastException",
        OutOfMemoryException => "OutOfMemoryException",
        TimeoutException => "TimeoutException",
        OperationCanceledException => "OperationCanceledException",
        _ => "Exception",
    };
}
