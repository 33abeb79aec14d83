using System.Runtime.InteropServices;

namespace Axolotl.Agent.Images.Snapshots;

/// <summary>The file calls an unpack needs that the BCL lacks (libc; Mono.Posix does not restore here).</summary>
internal static class NativeFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;

    public static void MakeWhiteout(string path) => Check(MkNod(path, 0x2000 /* S_IFCHR */, 0), "mknod", path);

    public static void MakeFifo(string path, int mode) => Check(MkNod(path, 0x1000 /* S_IFIFO */ | (uint)(mode & 0xFFF), 0), "mkfifo", path);

    public static void HardLink(string existing, string path) => Check(Link(existing, path), "link", path);

    public static void ChangeOwner(string path, int uid, int gid) => Check(LChown(path, uid, gid), "lchown", path);

    public static void SetXattr(string path, string name, byte[] value) => Check(LSetXattr(path, name, value, (nuint)value.Length, 0), "lsetxattr " + name, path);

    /// <summary>Sets the modification (and access) time without following a symlink.</summary>
    public static void SetModified(string path, DateTimeOffset time)
    {
        var seconds = time.ToUnixTimeSeconds();
        var nanos = (time.ToUnixTimeMilliseconds() - (seconds * 1000)) * 1_000_000;
        long[] times = [seconds, nanos, seconds, nanos];
        Check(UtimensAt(AtFdCwd, path, times, AtSymlinkNoFollow), "utimensat", path);
    }

    public const uint DirectoryType = 0x4000;

    /// <summary>The file type bits (S_IFMT) of path, not following a symlink; null when nothing is there.</summary>
    public static uint? TypeOf(string path) => Statx(path) is { } buffer ? BitConverter.ToUInt16(buffer, 0x1C) & 0xF000u : null;

    /// <summary>Owner and group of path, not following a symlink.</summary>
    public static (int Uid, int Gid) Owner(string path) =>
        Statx(path) is { } buffer ? (BitConverter.ToInt32(buffer, 0x14), BitConverter.ToInt32(buffer, 0x18)) : throw new IOException($"statx {path}: gone");

    private static byte[]? Statx(string path)
    {
        // statx has one layout on every architecture: stx_uid at 0x14, stx_gid at 0x18, stx_mode at 0x1C.
        var buffer = new byte[256];
        const uint basicStats = 0x7FF;
        return StatxCall(AtFdCwd, path, AtSymlinkNoFollow, basicStats, buffer) == 0 ? buffer : null;
    }

    private static void Check(int rc, string call, string path)
    {
        if (rc != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            // ENOSPC and EDQUOT: the disk is full; the caller throws the layer away.
            throw new IOException($"{call} {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatxCall(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "mknod", SetLastError = true)]
    private static extern int MkNod([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode, ulong dev);

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string path);

    [DllImport("libc", EntryPoint = "lchown", SetLastError = true)]
    private static extern int LChown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int uid, int gid);

    [DllImport("libc", EntryPoint = "lsetxattr", SetLastError = true)]
    private static extern int LSetXattr([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[] value, nuint size, int flags);

    [DllImport("libc", EntryPoint = "utimensat", SetLastError = true)]
    private static extern int UtimensAt(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, long[] times, int flags);
}
