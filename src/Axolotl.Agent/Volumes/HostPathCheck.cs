using System.Runtime.InteropServices;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Volumes;

/// <summary>
/// A hostPath volume's type, checked (and for the *OrCreate types made) as the kubelet does, with
/// its messages. An untyped path that is missing becomes a directory, as container runtimes do.
/// </summary>
internal static class HostPathCheck
{
    private const uint TypeMask = 0xF000;
    private const uint Socket = 0xC000;
    private const uint Block = 0x6000;
    private const uint Character = 0x2000;

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int SysStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);

    /// <summary>Returns the path to bind; throws <see cref="VolumeSetupException"/> when the type does not match.</summary>
    public static string Prepare(HostPathVolumeSource source)
    {
        var path = source.Path;
        if (!Path.IsPathFullyQualified(path))
        {
            throw new VolumeSetupException($"hostPath {path} is not an absolute path");
        }
        switch (source.Type ?? "")
        {
            case "":
                if (!Path.Exists(path))
                {
                    Directory.CreateDirectory(path);
                }
                break;
            case "DirectoryOrCreate":
                if (!Path.Exists(path))
                {
                    Directory.CreateDirectory(path);
                }
                Require(Directory.Exists(path), path, "is not a directory");
                break;
            case "Directory":
                Require(Directory.Exists(path), path, "is not a directory");
                break;
            case "FileOrCreate":
                if (!Path.Exists(path))
                {
                    // Like the kubelet, the parent directory is not made: a missing one fails the check.
                    Require(Directory.Exists(Path.GetDirectoryName(path)), path, "is not a file");
                    File.Create(path).Dispose();
                }
                Require(File.Exists(path), path, "is not a file");
                break;
            case "File":
                Require(File.Exists(path), path, "is not a file");
                break;
            case "Socket":
                Require(FileType(path) == Socket, path, "is not a socket file");
                break;
            case "CharDevice":
                Require(FileType(path) == Character, path, "is not a character device");
                break;
            case "BlockDevice":
                Require(FileType(path) == Block, path, "is not a block device");
                break;
            default:
                throw new VolumeSetupException($"hostPath type {source.Type} is not known");
        }
        return path;
    }

    private static void Require(bool holds, string path, string otherwise)
    {
        if (!holds)
        {
            throw new VolumeSetupException($"hostPath type check failed: {path} {otherwise}");
        }
    }

    /// <summary>The S_IFMT bits of the file at path, 0 when there is none.</summary>
    private static uint FileType(string path)
    {
        var buffer = new byte[256];
        if (SysStat(path, buffer) != 0)
        {
            return 0;
        }
        // st_mode follows st_dev, st_ino and (x86_64 only) an 8-byte st_nlink.
        var offset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        return BitConverter.ToUInt32(buffer, offset) & TypeMask;
    }
}
