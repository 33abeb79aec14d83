using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Axolotl.Images.Snapshots;

/// <summary>
/// The file calls an unpack needs that the BCL lacks (libc; Mono.Posix does not restore here). Every
/// call that names a file takes a directory descriptor and one path component, never a path: what it
/// touches is always inside the directory the caller opened without following a link
/// (<see cref="RootedDirectory"/>), and the *at calls here never follow a final symlink either.
/// </summary>
internal static class NativeFiles
{
    public const int AtSymlinkNoFollow = 0x100;
    private const int AtRemoveDir = 0x200;
    private const int AtEmptyPath = 0x1000;

    public const int ReadOnly = 0;
    public const int WriteOnly = 1;
    public const int Create = 0x40;
    public const int Exclusive = 0x80;
    public const int CloseOnExec = 0x80000;
    public const int PathOnly = 0x200000;

    // The only open flags whose values differ between x86_64 and arm64.
    public static readonly int Directory = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;
    public static readonly int NoFollow = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    public const uint TypeMask = 0xF000;
    public const uint DirectoryType = 0x4000;
    public const uint RegularType = 0x8000;
    public const uint SymlinkType = 0xA000;
    public const uint CharacterDeviceType = 0x2000;
    public const uint FifoType = 0x1000;

    /// <summary>One entry's type, permission bits, owner and device number, read without following it.</summary>
    public readonly record struct FileStat(uint Type, uint Permissions, int Uid, int Gid, uint DeviceMajor, uint DeviceMinor)
    {
        public bool IsDirectory => Type == DirectoryType;

        public bool IsSymlink => Type == SymlinkType;

        public bool IsRegular => Type == RegularType;

        /// <summary>overlayfs' whiteout: a character device 0/0.</summary>
        public bool IsWhiteout => Type == CharacterDeviceType && DeviceMajor == 0 && DeviceMinor == 0;
    }

    /// <summary>name in dir, not following a final symlink; null when nothing is there.</summary>
    public static FileStat? StatAt(SafeFileHandle dir, string name) => Statx(dir, name, AtSymlinkNoFollow);

    /// <summary>What an open descriptor refers to.</summary>
    public static FileStat StatOf(SafeFileHandle file) =>
        Statx(file, "", AtEmptyPath | AtSymlinkNoFollow) ?? throw Error("statx", "(descriptor)");

    private static FileStat? Statx(SafeFileHandle dir, string name, int flags)
    {
        // statx has one layout on every architecture.
        var buffer = new byte[256];
        const uint basicStats = 0x7FF;
        if (StatxCall(dir, name, flags, basicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is 2 /* ENOENT */ or 20 /* ENOTDIR */ ? null : throw Error("statx", name, errno);
        }

        var mode = (uint)BitConverter.ToUInt16(buffer, 0x1C);
        return new FileStat(mode & TypeMask, mode & 0xFFF, BitConverter.ToInt32(buffer, 0x14), BitConverter.ToInt32(buffer, 0x18),
            BitConverter.ToUInt32(buffer, 0x80), BitConverter.ToUInt32(buffer, 0x84));
    }

    /// <summary>openat(2) of one component of dir; the handle owns the descriptor. Null (with errno) when it fails.</summary>
    public static SafeFileHandle? OpenAt(SafeFileHandle dir, string name, int flags, uint mode, out int errno)
    {
        var fd = OpenAtCall(dir, name, flags | CloseOnExec, mode);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    public static SafeFileHandle OpenPath(string path, int flags)
    {
        var fd = OpenCall(path, flags | CloseOnExec, 0);
        return fd < 0 ? throw Error("open", path) : new SafeFileHandle(fd, ownsHandle: true);
    }

    public static void MakeDirectoryAt(SafeFileHandle dir, string name, uint mode) => Check(MkdirAt(dir, name, mode), "mkdirat", name);

    public static void MakeWhiteoutAt(SafeFileHandle dir, string name) => Check(MknodAt(dir, name, CharacterDeviceType, 0), "mknodat", name);

    public static void MakeFifoAt(SafeFileHandle dir, string name, uint mode) => Check(MknodAt(dir, name, FifoType | (mode & 0xFFF), 0), "mknodat", name);

    public static void SymlinkAt(string target, SafeFileHandle dir, string name) => Check(SymlinkAtCall(target, dir, name), "symlinkat", name);

    /// <summary>A hard link to an entry itself: linkat without AT_SYMLINK_FOLLOW links a symlink, never what it points at.</summary>
    public static void HardLinkAt(SafeFileHandle fromDir, string from, SafeFileHandle toDir, string to) => Check(LinkAt(fromDir, from, toDir, to, 0), "linkat", to);

    public static string ReadLinkAt(SafeFileHandle dir, string name)
    {
        var buffer = new byte[4096];
        var n = ReadLinkAtCall(dir, name, buffer, (nuint)buffer.Length);
        return n < 0 ? throw Error("readlinkat", name) : System.Text.Encoding.UTF8.GetString(buffer, 0, (int)n);
    }

    /// <summary>Removes one non-directory entry (a symlink itself, never its target).</summary>
    public static void UnlinkAt(SafeFileHandle dir, string name) => Check(UnlinkAtCall(dir, name, 0), "unlinkat", name);

    public static void RemoveDirectoryAt(SafeFileHandle dir, string name) => Check(UnlinkAtCall(dir, name, AtRemoveDir), "unlinkat", name);

    /// <summary>The owner of an entry itself (lchown semantics: a symlink is changed, not followed).</summary>
    public static void ChangeOwnerAt(SafeFileHandle dir, string name, int uid, int gid) => Check(FchownAt(dir, name, uid, gid, AtSymlinkNoFollow), "fchownat", name);

    public static void ChangeOwner(SafeFileHandle file, int uid, int gid) => Check(Fchown(file, uid, gid), "fchown", "(descriptor)");

    /// <summary>chmod of a name the caller just made itself (fchmodat cannot refuse a symlink on every kernel; a fifo cannot be opened to fchmod).</summary>
    public static void ChangeModeAt(SafeFileHandle dir, string name, uint mode) => Check(FchmodAt(dir, name, mode & 0xFFF, 0), "fchmodat", name);

    public static void ChangeMode(SafeFileHandle file, uint mode) => Check(Fchmod(file, mode & 0xFFF), "fchmod", "(descriptor)");

    public static void SetXattr(SafeFileHandle file, string name, byte[] value) => Check(FsetXattr(file, name, value, (nuint)value.Length, 0), "fsetxattr " + name, "(descriptor)");

    /// <summary>An extended attribute of an open file; null when it has none of that name.</summary>
    public static byte[]? GetXattr(SafeFileHandle file, string name)
    {
        var buffer = new byte[256];
        var n = FgetXattr(file, name, buffer, (nuint)buffer.Length);
        return n < 0 ? null : buffer[..(int)n];
    }

    /// <summary>Sets the modification (and access) time of an entry itself, not following a symlink.</summary>
    public static void SetModifiedAt(SafeFileHandle dir, string name, DateTimeOffset time) =>
        Check(UtimensAt(dir, name, Times(time), AtSymlinkNoFollow), "utimensat", name);

    public static void SetModified(SafeFileHandle file, DateTimeOffset time) =>
        Check(UtimensAt(file, "", Times(time), AtEmptyPath), "utimensat", "(descriptor)");

    private static long[] Times(DateTimeOffset time)
    {
        var seconds = time.ToUnixTimeSeconds();
        var nanos = (time.ToUnixTimeMilliseconds() - (seconds * 1000)) * 1_000_000;
        return [seconds, nanos, seconds, nanos];
    }

    private static void Check(int rc, string call, string name)
    {
        if (rc != 0)
        {
            // ENOSPC and EDQUOT: the disk is full; the caller throws the layer away.
            throw Error(call, name);
        }
    }

    public static IOException Error(string call, string name, int? errno = null)
    {
        var code = errno ?? Marshal.GetLastPInvokeError();
        return new IOException($"{call} {name}: {Marshal.GetPInvokeErrorMessage(code)}", code);
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatxCall(SafeFileHandle dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static extern int OpenAtCall(SafeFileHandle dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mode);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int OpenCall([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mode);

    [DllImport("libc", EntryPoint = "mkdirat", SetLastError = true)]
    private static extern int MkdirAt(SafeFileHandle dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", EntryPoint = "mknodat", SetLastError = true)]
    private static extern int MknodAt(SafeFileHandle dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode, ulong dev);

    [DllImport("libc", EntryPoint = "symlinkat", SetLastError = true)]
    private static extern int SymlinkAtCall([MarshalAs(UnmanagedType.LPUTF8Str)] string target, SafeFileHandle dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path);

    [DllImport("libc", EntryPoint = "linkat", SetLastError = true)]
    private static extern int LinkAt(SafeFileHandle olddirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldpath, SafeFileHandle newdirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string newpath, int flags);

    [DllImport("libc", EntryPoint = "readlinkat", SetLastError = true)]
    private static extern nint ReadLinkAtCall(SafeFileHandle dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer, nuint size);

    [DllImport("libc", EntryPoint = "unlinkat", SetLastError = true)]
    private static extern int UnlinkAtCall(SafeFileHandle dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fchownat", SetLastError = true)]
    private static extern int FchownAt(SafeFileHandle dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int uid, int gid, int flags);

    [DllImport("libc", EntryPoint = "fchown", SetLastError = true)]
    private static extern int Fchown(SafeFileHandle fd, int uid, int gid);

    [DllImport("libc", EntryPoint = "fchmodat", SetLastError = true)]
    private static extern int FchmodAt(SafeFileHandle dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode, int flags);

    [DllImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static extern int Fchmod(SafeFileHandle fd, uint mode);

    [DllImport("libc", EntryPoint = "fsetxattr", SetLastError = true)]
    private static extern int FsetXattr(SafeFileHandle fd, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[] value, nuint size, int flags);

    [DllImport("libc", EntryPoint = "fgetxattr", SetLastError = true)]
    private static extern nint FgetXattr(SafeFileHandle fd, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[] value, nuint size);

    [DllImport("libc", EntryPoint = "utimensat", SetLastError = true)]
    private static extern int UtimensAt(SafeFileHandle dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, long[] times, int flags);
}
