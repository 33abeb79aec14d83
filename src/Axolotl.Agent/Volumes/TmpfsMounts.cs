using System.Globalization;
using System.Runtime.InteropServices;
using Axolotl.Agent.Logs;

namespace Axolotl.Agent.Volumes;

/// <summary>
/// The node-side tmpfs mounts of pod volumes (emptyDir medium Memory, Secrets: as the kubelet, their
/// bytes never reach the disk). Mounted in the agent's mount namespace, so every container the
/// launcher starts afterwards sees the same filesystem; unmounted before the pod's directory goes.
/// </summary>
internal static class TmpfsMounts
{
    private const int MntDetach = 2;

    [DllImport("libc", EntryPoint = "mount", SetLastError = true)]
    private static extern int Mount(string source, string target, string fileSystemType, ulong flags, string data);

    [DllImport("libc", EntryPoint = "umount2", SetLastError = true)]
    private static extern int Unmount(string target, int flags);

    /// <summary>Mounts a tmpfs on <paramref name="directory"/> unless one is there already (an agent restart).</summary>
    public static void Ensure(string directory, long? sizeBytes, string mode)
    {
        Directory.CreateDirectory(directory);
        // A mount point sits on another device than its parent: two stats, not a read of mountinfo,
        // since this runs on every refresh of every such volume.
        var parent = Path.GetDirectoryName(directory.TrimEnd('/'));
        if (parent is not null && FileIdentity.Of(directory)?.Device is { } device && device != FileIdentity.Of(parent)?.Device)
        {
            return;
        }
        var data = $"mode={mode}" + (sizeBytes is { } size ? string.Create(CultureInfo.InvariantCulture, $",size={size}") : "");
        if (Mount("tmpfs", directory, "tmpfs", 0, data) != 0)
        {
            throw new VolumeSetupException($"cannot mount a tmpfs on {directory}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    /// <summary>Detaches every mount at or below <paramref name="directory"/>, deepest first.</summary>
    public static void UnmountAllUnder(string directory)
    {
        foreach (var point in MountPointsUnder(directory).OrderByDescending(p => p.Length))
        {
            _ = Unmount(point, MntDetach);
        }
    }

    /// <summary>Mount points at or below <paramref name="directory"/>, from /proc/self/mountinfo.</summary>
    public static HashSet<string> MountPointsUnder(string directory)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var prefix = directory.TrimEnd('/') + "/";
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // "<id> <parent> <major:minor> <root> <mount point> …", the mount point octal-escaped.
            var fields = line.Split(' ', 6);
            if (fields.Length < 5)
            {
                continue;
            }
            var point = Unescape(fields[4]);
            if (point == directory || point.StartsWith(prefix, StringComparison.Ordinal))
            {
                found.Add(point);
            }
        }
        return found;
    }

    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }
        var text = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length)
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }
        return text.ToString();
    }
}
