using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Axolotl.Agent.Volumes.Confined;

/// <summary>
/// The descriptor calls (libc) a walk inside a pod-writable tree needs: every name is looked up in a
/// directory the walk holds open, never as a path the kernel would walk again, and never through a
/// symlink. The BCL has none of these.
/// </summary>
internal static class Descriptors
{
    public const int AtFdCwd = -100;
    public const int ENOENT = 2;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int ELOOP = 40;

    private const int OPath = 0x200000;
    private const int OCloexec = 0x80000;
    private const int AtEmptyPath = 0x1000;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint TypeMask = 0xF000;
    private const uint LinkType = 0xA000;
    private const uint DirectoryType = 0x4000;

    // O_NOFOLLOW and O_DIRECTORY differ between x86_64 and the asm-generic architectures (arm64).
    private static readonly bool X64 = RuntimeInformation.ProcessArchitecture == Architecture.X64;
    private static readonly int ONoFollow = X64 ? 0x20000 : 0x8000;
    private static readonly int ODirectory = X64 ? 0x10000 : 0x4000;

    /// <summary>An O_PATH descriptor of name in dir, the symlink itself when it is one; null with the errno when it cannot be opened.</summary>
    public static SafeFileHandle? OpenNoFollow(SafeFileHandle dir, string name, out int errno) =>
        Wrap(OpenAt(Fd(dir), name, OPath | ONoFollow | OCloexec, 0), out errno);

    /// <summary>An O_PATH descriptor of a directory given by a node path (symlinks followed: the path is the agent's or the admin's, not the pod's).</summary>
    public static SafeFileHandle OpenDirectory(string path) =>
        Wrap(OpenAt(AtFdCwd, path, OPath | ODirectory | OCloexec, 0), out var errno)
        ?? throw new IOException($"open {path}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);

    /// <summary>Makes directory name in dir (no symlink at name is followed); the errno, 0 when made.</summary>
    public static int MakeDirectory(SafeFileHandle dir, string name, UnixFileMode mode) =>
        MkdirAt(Fd(dir), name, (uint)mode) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Type, permission bits, owner and inode of what the descriptor names (a symlink itself, for a link's descriptor).</summary>
    public static FileStatus Status(SafeFileHandle handle)
    {
        // statx has one layout on every architecture: uid 0x14, gid 0x18, mode 0x1C, ino 0x20, dev 0x88/0x8C.
        var buffer = new byte[256];
        const uint basicStats = 0x7FF;
        if (Statx(Fd(handle), "", AtEmptyPath | AtSymlinkNoFollow, basicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"statx: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        var mode = BitConverter.ToUInt16(buffer, 0x1C);
        return new FileStatus(
            (mode & TypeMask) == LinkType,
            (mode & TypeMask) == DirectoryType,
            (UnixFileMode)(mode & 0xFFF),
            BitConverter.ToInt32(buffer, 0x14),
            BitConverter.ToInt32(buffer, 0x18),
            BitConverter.ToUInt64(buffer, 0x20),
            ((ulong)BitConverter.ToUInt32(buffer, 0x88) << 32) | BitConverter.ToUInt32(buffer, 0x8C));
    }

    /// <summary>The target a symlink's own O_PATH descriptor holds.</summary>
    public static string ReadLink(SafeFileHandle link)
    {
        var buffer = new byte[4096];
        var n = ReadLinkAt(Fd(link), "", buffer, buffer.Length);
        if (n < 0 || n >= buffer.Length)
        {
            var errno = n < 0 ? Marshal.GetLastPInvokeError() : 36 /* ENAMETOOLONG */;
            throw new IOException($"readlink: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        return System.Text.Encoding.UTF8.GetString(buffer, 0, (int)n);
    }

    /// <summary>Changes the group of the file (or symlink) the descriptor names, never what a link points at.</summary>
    public static void ChangeGroup(SafeFileHandle handle, int gid)
    {
        if (FchownAt(Fd(handle), "", -1, gid, AtEmptyPath) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"chown: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    /// <summary>
    /// chmod of exactly the inode the descriptor names: through its /proc/self/fd link, which the
    /// kernel resolves to that inode and no other, whatever was renamed meanwhile. Never for a symlink
    /// (that link would lead to the symlink's target).
    /// </summary>
    public static void ChangeMode(SafeFileHandle handle, UnixFileMode mode) => File.SetUnixFileMode(ProcPath(handle), mode);

    /// <summary>The /proc/self/fd path of the descriptor: the very file it names, for the BCL calls that take paths.</summary>
    public static string ProcPath(SafeFileHandle handle) => $"/proc/self/fd/{Fd(handle)}";

    /// <summary>The node path the kernel records for the descriptor.</summary>
    public static string NodePath(SafeFileHandle handle) =>
        new FileInfo(ProcPath(handle)).LinkTarget ?? throw new IOException("the descriptor has no path");

    private static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();

    private static SafeFileHandle? Wrap(int fd, out int errno)
    {
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    [DllImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static extern int OpenAt(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mode);

    [DllImport("libc", EntryPoint = "mkdirat", SetLastError = true)]
    private static extern int MkdirAt(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "readlinkat", SetLastError = true)]
    private static extern nint ReadLinkAt(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer, nint size);

    [DllImport("libc", EntryPoint = "fchownat", SetLastError = true)]
    private static extern int FchownAt(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group, int flags);
}

/// <summary>What statx says of one descriptor.</summary>
internal readonly record struct FileStatus(bool IsLink, bool IsDirectory, UnixFileMode Mode, int Uid, int Gid, ulong Inode, ulong Device);
