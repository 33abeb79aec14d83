using System.Runtime.InteropServices;
using Axolotl.Agent.Volumes.Confined;
using Axolotl.Api.Core;
using Microsoft.Win32.SafeHandles;

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

    /// <summary>
    /// The walk holds each directory open and changes each entry through its own O_PATH|O_NOFOLLOW
    /// descriptor: the pod writes in these volumes while the agent, as root, walks them, and a path
    /// walked again (chown "a/b/c", chmod after lstat) would follow a symlink the pod swapped in to a
    /// node file such as /etc/shadow. A symlink gets the group on the link itself and no chmod, as the
    /// kubelet's SetVolumeOwnership does; the walk never descends through one.
    /// </summary>
    private static void Change(string root, int gid, bool readOnly)
    {
        using var top = Descriptors.OpenDirectory(root);
        ChangeOne(top, Descriptors.Status(top), gid, readOnly);
        ChangeBelow(top, gid, readOnly);
    }

    private static void ChangeBelow(SafeFileHandle dir, int gid, bool readOnly)
    {
        // The /proc/self/fd link names the directory held open, whatever is renamed meanwhile.
        foreach (var entry in Directory.EnumerateFileSystemEntries(Descriptors.ProcPath(dir)))
        {
            var name = Path.GetFileName(entry);
            using var handle = Descriptors.OpenNoFollow(dir, name, out _);
            if (handle is null)
            {
                continue; // gone meanwhile
            }
            var status = Descriptors.Status(handle);
            ChangeOne(handle, status, gid, readOnly);
            if (status.IsDirectory)
            {
                ChangeBelow(handle, gid, readOnly);
            }
        }
    }

    private static void ChangeOne(SafeFileHandle handle, FileStatus status, int gid, bool readOnly)
    {
        Descriptors.ChangeGroup(handle, gid);
        if (status.IsLink)
        {
            return;
        }

        var mask = readOnly ? ReadOnly : ReadWrite;
        if (status.IsDirectory)
        {
            mask |= SetGid | Execute;
        }

        Descriptors.ChangeMode(handle, status.Mode | (UnixFileMode)mask);
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
