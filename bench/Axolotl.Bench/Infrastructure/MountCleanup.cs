using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Axolotl.Bench.Infrastructure;

/// <summary>
/// Unmounts what a stopped node left mounted under its data directory (its pods' volumes: containers and their
/// mounts outlive the agent by design). Left behind, each mount is copied into every later mount namespace on
/// the machine, which slows every later container start, and the directory cannot be deleted.
/// </summary>
internal static partial class MountCleanup
{
    public static async Task UnmountUnderAsync(string dir)
    {
        var root = dir.TrimEnd('/');
        string[] lines;
        try
        {
            lines = await File.ReadAllLinesAsync("/proc/self/mountinfo");
        }
        catch (IOException)
        {
            return;
        }
        // "ID PARENT MAJ:MIN ROOT MOUNTPOINT ...", the mount point octal-escaped; deepest first.
        var under = lines.Select(l => l.Split(' ')).Where(f => f.Length >= 5)
            .Select(f => OctalEscape().Replace(f[4], m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString()))
            .Where(m => m == root || m.StartsWith(root + "/", StringComparison.Ordinal))
            .OrderByDescending(m => m.Length);
        foreach (var mountPoint in under)
        {
            using var umount = Process.Start(new ProcessStartInfo("umount", ["--lazy", mountPoint]) { UseShellExecute = false, RedirectStandardError = true });
            if (umount is not null)
            {
                await umount.WaitForExitAsync();
            }
        }
    }

    [GeneratedRegex(@"\\([0-7]{3})")]
    private static partial Regex OctalEscape();
}
