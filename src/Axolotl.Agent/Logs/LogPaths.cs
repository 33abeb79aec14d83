using System.Globalization;
using Axolotl.Runtime.Logs;

namespace Axolotl.Agent.Logs;

/// <summary>
/// Where container logs live: &lt;dataDir&gt;/pods/&lt;uid&gt;/&lt;container&gt;/&lt;restartCount&gt;.log, one file per
/// container instance; a rotated chunk of an instance is named by <see cref="RotatedLog"/>.
/// </summary>
public sealed class LogPaths(string dataDir)
{
    public string DataDir { get; } = dataDir;

    public string PodDirectory(string podUid) => Path.Combine(DataDir, "pods", podUid);

    public string ContainerDirectory(string podUid, string container) => Path.Combine(PodDirectory(podUid), container);

    public string InstanceLog(string podUid, string container, int restartCount) =>
        Path.Combine(ContainerDirectory(podUid, container), restartCount.ToString(CultureInfo.InvariantCulture) + ".log");

    /// <summary>The restart counts that have a log file, ascending.</summary>
    public IReadOnlyList<int> Instances(string podUid, string container)
    {
        var dir = ContainerDirectory(podUid, container);
        if (!Directory.Exists(dir))
        {
            return [];
        }
        var result = new List<int>();
        foreach (var file in Directory.EnumerateFiles(dir, "*.log"))
        {
            if (int.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                result.Add(n);
            }
        }
        result.Sort();
        return result;
    }

    /// <summary>Deletes the logs of instances older than the previous one, so that exactly "current" and "previous" stay.</summary>
    public void PruneBefore(string podUid, string container, int currentRestartCount)
    {
        foreach (var n in Instances(podUid, container))
        {
            if (n < currentRestartCount - 1)
            {
                var path = InstanceLog(podUid, container, n);
                File.Delete(path);
                File.Delete(RotatedLog.PathOf(path));
            }
        }
    }
}
