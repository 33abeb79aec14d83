using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Axolotl.Agent.Logs;

/// <summary>
/// Device and inode of a file: tells a follower that the path it reads was renamed away (the
/// launcher's rotation) and now names a new file, which sizes alone cannot.
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    // struct stat starts with st_dev and st_ino (8 bytes each) on x86_64 and on the generic layout
    // (arm64); the rest of the 128 or 144 bytes is not read.
    private const int StatSize = 256;

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int SysStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);

    [DllImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static extern int SysFstat(int fd, byte[] buffer);

    /// <summary>The identity of the file at <paramref name="path"/>, null when there is none.</summary>
    public static FileIdentity? Of(string path)
    {
        var buffer = new byte[StatSize];
        return SysStat(path, buffer) == 0 ? From(buffer) : null;
    }

    /// <summary>The identity of an open file, wherever it has been renamed to since.</summary>
    public static FileIdentity? Of(SafeFileHandle handle)
    {
        var buffer = new byte[StatSize];
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return SysFstat((int)handle.DangerousGetHandle(), buffer) == 0 ? From(buffer) : null;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static FileIdentity From(byte[] buffer) => new(BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8));
}
