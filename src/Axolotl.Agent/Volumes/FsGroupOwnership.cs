using System.Runtime.InteropServices;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Volumes;

/// <summary>
/// fsGroup on the pod's volumes, as the kubelet's SetVolumeOwnership: every file and directory of an
/// emptyDir, configMap, secret, downwardAPI or projected volume gets the group fsGroup, group read
/// (and write, for the writable emptyDir) permission, directories also group execute and setgid so
/// that what containers create there inherits the group. hostPath volumes are left alone.
/// fsGroupChangePolicy OnRootMismatch skips a volume whose root already has the group and bits.
/// </summary>
internal static class FsGroupOwnership
{
    private const int ReadWrite = 0x1B0; // 0660
    private const int ReadOnly = 0x120;  // 0440
    private const int Execute = 0x48;    // 0110
    private const int SetGid = 0x400;    // 02000

    [DllImport("libc", EntryPoint = "lchown", SetLastError = true)]
    private static extern int SysLchown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);

    [DllImport("libc", EntryPoint = "lstat", SetLastError = true)]
    private static extern int SysLstat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);

    /// <summary>Applies the pod's fsGroup to each volume in <paramref name="current"/> that was set up anew (not the same object as in <paramref name="previous"/>).</summary>
    public static void Apply(Pod pod, IReadOnlyDictionary<string, MountedVolume> previous, IReadOnlyDictionary<string, MountedVolume> current)
    {
        if (pod.Spec?.SecurityContext?.FsGroup is not { } fsGroup)
        {
            return;
        }

        var onRootMismatch = pod.Spec.SecurityContext.FsGroupChangePolicy == "OnRootMismatch";
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            var managed = volume.EmptyDir is not null || VolumeContentResolver.Handles(volume);
            if (!managed || !current.TryGetValue(volume.Name, out var mounted)
                || (previous.TryGetValue(volume.Name, out var before) && ReferenceEquals(before, mounted)))
            {
                continue;
            }

            var readOnly = mounted.Projected;
            if (onRootMismatch && !RequiresChange(mounted.Path, fsGroup, readOnly))
            {
                continue;
            }

            try
            {
                Change(mounted.Path, (int)fsGroup, readOnly);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new VolumeMountException(volume.Name, e.Message);
            }
        }
    }

    private static void Change(string root, int gid, bool readOnly)
    {
        ChangeOne(root, gid, readOnly, isDirectory: true, isLink: false);
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var isLink = entry.LinkTarget is not null;
            ChangeOne(entry.FullName, gid, readOnly, isDirectory: !isLink && entry is DirectoryInfo, isLink);
        }
    }

    private static void ChangeOne(string path, int gid, bool readOnly, bool isDirectory, bool isLink)
    {
        if (SysLchown(path, -1, gid) != 0)
        {
            throw new IOException($"chown {path}: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        if (isLink)
        {
            return;
        }

        var mask = readOnly ? ReadOnly : ReadWrite;
        if (isDirectory)
        {
            mask |= SetGid | Execute;
        }

        File.SetUnixFileMode(path, File.GetUnixFileMode(path) | (UnixFileMode)mask);
    }

    /// <summary>The kubelet's requiresPermissionChange: the root's group, its bits and setgid.</summary>
    private static bool RequiresChange(string root, long fsGroup, bool readOnly)
    {
        var buffer = new byte[256];
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || SysLstat(root, buffer) != 0)
        {
            return true;
        }

        // x86_64 struct stat: st_dev, st_ino, st_nlink (8 bytes each), st_mode, st_uid, st_gid.
        var gid = BitConverter.ToUInt32(buffer, 32);
        var mode = (int)File.GetUnixFileMode(root);
        var wanted = (readOnly ? ReadOnly : ReadWrite) | Execute;
        return gid != fsGroup || (mode & wanted) != wanted || (mode & SetGid) == 0;
    }
}
