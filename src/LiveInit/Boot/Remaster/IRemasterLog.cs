namespace LiveInit.Boot.Remaster;

/// <summary>Where the transaction reports: the boot log at boot, the console for <c>liveinit remaster-step</c>, a
/// list in tests.</summary>
public interface IRemasterLog
{
    void Info(string message);
    void Notice(string message);
    void Warn(string message);
    void Error(string message);
}

/// <summary>The boot log as a remaster log.</summary>
public sealed class BootRemasterLog(BootLog log) : IRemasterLog
{
    public void Info(string message) => log.Info(message);
    public void Notice(string message) => log.Notice(message);
    public void Warn(string message) => log.Warn(message);
    public void Error(string message) => log.Error(message);
}
