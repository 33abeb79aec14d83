using System.Globalization;
using Axolotl.Images;
using Axolotl.Runtime;

namespace Axolotl.Agent.Pods;

/// <summary>How an attempt's root directories come about.</summary>
internal enum AttemptRoot
{
    /// <summary>A start without a standby: new directories; every other attempt's go.</summary>
    Fresh,

    /// <summary>A standby for the attempt after the running one: new directories; the running attempt's stay.</summary>
    Standby,

    /// <summary>The start of the attempt a standby was prepared for: its directories stay as they are.</summary>
    Reuse,
}

/// <summary>
/// Each start of a container gets a root of its own: the image's layers below a fresh writable layer,
/// as containerd gives a restarted container a new snapshot (only volumes outlive a restart). The
/// directories live beside the container's logs, so the pod's removal takes them too; an earlier
/// attempt's layer (its container has exited) is deleted in the background, off the restart path.
/// </summary>
internal static class ContainerAttempts
{
    private const string Prefix = "rootfs-";

    public static ContainerRootfs Prepare(string containerDirectory, int instance, ImageRoot root, AttemptRoot mode = AttemptRoot.Fresh)
    {
        var attempt = Path.Combine(containerDirectory, Prefix + instance.ToString(CultureInfo.InvariantCulture));
        if (mode != AttemptRoot.Reuse && Directory.Exists(attempt))
        {
            // Left by a start that failed before its container ran: never reuse a writable layer.
            Directory.Delete(attempt, recursive: true);
        }

        var upper = Directory.CreateDirectory(Path.Combine(attempt, "upper")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(attempt, "work")).FullName;
        var mountPoint = Directory.CreateDirectory(Path.Combine(attempt, "root")).FullName;
        // A standby's attempt comes after the running one, whose layer must stay; the attempt after a
        // start's is its standby's, which that standby's own preparation renews (deleting it here, in
        // the background, could hit the renewed one).
        var keepFrom = mode == AttemptRoot.Standby ? instance - 1 : instance;
        var keepTo = mode == AttemptRoot.Standby ? instance : instance + 1;
        var stale = Directory.EnumerateDirectories(containerDirectory, Prefix + "*")
            .Where(d => d != attempt && (InstanceOf(d) is not { } n || n < keepFrom || n > keepTo))
            .ToList();
        if (stale.Count > 0)
        {
            _ = Task.Run(() => RemoveAll(stale));
        }

        return new ContainerRootfs([.. root.LayersLowestFirst.Reverse()], upper, work, mountPoint);
    }

    private static int? InstanceOf(string directory) =>
        int.TryParse(Path.GetFileName(directory).AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static void RemoveAll(IEnumerable<string> directories)
    {
        foreach (var directory in directories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The pod's removal deletes whatever is left.
            }
        }
    }
}
