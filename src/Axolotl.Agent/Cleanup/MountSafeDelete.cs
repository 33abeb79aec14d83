using Axolotl.Agent.Logs;

namespace Axolotl.Agent.Cleanup;

/// <summary>
/// Removes a state directory without ever reaching through it into something else: it refuses while
/// anything is mounted at or below it (a volume bound from a hostPath would otherwise lose the host's
/// files), unlinks symlinks instead of following them (a pod may have planted one), and stops at any
/// directory on another device than the top one (a mount it could not see). Only rmdir and unlink.
/// </summary>
public static class MountSafeDelete
{
    /// <summary>Deletes <paramref name="directory"/>; throws <see cref="IOException"/> naming why it would not.</summary>
    public static void Delete(string directory)
    {
        var top = new DirectoryInfo(directory);
        if (top.LinkTarget is not null)
        {
            // Our state directories are never links: remove the link itself, not what it names.
            File.Delete(directory);
            return;
        }
        if (!top.Exists)
        {
            return;
        }
        if (HostInventoryReader.MountsAtOrUnder(directory) is { Count: > 0 } mounts)
        {
            throw new IOException($"{directory} still holds mounts ({string.Join(", ", mounts)}); not removed");
        }
        var device = FileIdentity.Of(directory)?.Device ?? throw new IOException($"cannot stat {directory}");
        Walk(top, device);
        Directory.Delete(directory);
    }

    private static void Walk(DirectoryInfo directory, ulong device)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null || entry is not DirectoryInfo child)
            {
                // unlink: a symlink goes, whatever it points at.
                File.Delete(entry.FullName);
                continue;
            }
            if (FileIdentity.Of(child.FullName)?.Device != device)
            {
                throw new IOException($"{child.FullName} is on another filesystem (a mount); not removed");
            }
            Walk(child, device);
            Directory.Delete(child.FullName);
        }
    }
}
