using System.Runtime.InteropServices;

namespace LiveInit.Native;

/// <summary>struct stat for x86_64 (&lt;bits/struct_stat.h&gt;), 144 bytes; checked against gcc in a test.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct StatBuf
{
    public ulong Dev, Ino, Nlink;
    public uint Mode, Uid, Gid;
    private int _pad0;
    public ulong Rdev;
    public long Size, BlkSize, Blocks;
    public long AtimeSec, AtimeNsec, MtimeSec, MtimeNsec, CtimeSec, CtimeNsec;
    private long _r0, _r1, _r2;

    public const uint S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFREG = 0x8000, S_IFBLK = 0x6000, S_IFCHR = 0x2000,
        S_IFLNK = 0xA000;
    public readonly bool IsDirectory => (Mode & S_IFMT) == S_IFDIR;
    public readonly bool IsRegular => (Mode & S_IFMT) == S_IFREG;
    public readonly bool IsBlockDevice => (Mode & S_IFMT) == S_IFBLK;
    public readonly bool IsSymlink => (Mode & S_IFMT) == S_IFLNK;
    public static uint Major(ulong dev) => (uint)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff));
    public static uint Minor(ulong dev) => (uint)(((dev >> 12) & 0xffffff00) | (dev & 0xff));
    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);
}

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int stat_raw(string path, out StatBuf buf);

    [LibraryImport(Name, EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lstat_raw(string path, out StatBuf buf);

    [LibraryImport(Name, EntryPoint = "fstat", SetLastError = true)]
    private static partial int fstat_raw(SafeFd fd, out StatBuf buf);

    public static StatBuf Stat(string path) { Errno.Check(stat_raw(path, out var b), "stat", path); return b; }
    public static StatBuf Lstat(string path) { Errno.Check(lstat_raw(path, out var b), "lstat", path); return b; }
    public static StatBuf Fstat(SafeFd fd, string what) { Errno.Check(fstat_raw(fd, out var b), "fstat", what); return b; }
    public static bool TryStat(string path, out StatBuf buf) => stat_raw(path, out buf) == 0;
    public static bool TryLstat(string path, out StatBuf buf) => lstat_raw(path, out buf) == 0;
}
