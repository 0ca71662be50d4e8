namespace LiveInit.Boot;

/// <summary>One small step of the boot. <see cref="Describe"/> is what <c>liveinit explain</c> prints;
/// <see cref="Run"/> does it, logging through the context. A step throws <see cref="BootFailure"/> with a
/// message that says what failed and what the user can do.</summary>
public abstract class BootStep
{
    public abstract string Describe();
    public abstract void Run(BootContext ctx);
}

/// <summary>A fatal boot error: the message is for the person at the console.</summary>
public sealed class BootFailure(string message, Exception? inner = null) : Exception(message, inner);
