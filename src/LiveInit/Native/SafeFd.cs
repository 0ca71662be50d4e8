using Microsoft.Win32.SafeHandles;

namespace LiveInit.Native;

/// <summary>An owned file descriptor; closed exactly once.</summary>
internal sealed class SafeFd : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeFd() : base(true) { }
    public SafeFd(int fd) : base(true) => SetHandle(fd);
    public int Fd => (int)handle;
    protected override bool ReleaseHandle() => Libc.close((int)handle) == 0;
}
