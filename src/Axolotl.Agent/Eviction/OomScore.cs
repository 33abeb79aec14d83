using System.Globalization;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Eviction;

/// <summary>
/// The kernel OOM killer's preferences, as the kubelet sets them (pkg/kubelet/qos/policy.go): the
/// agent itself -999, Guaranteed containers -997, BestEffort 1000, Burstable 1000 − 1000 × request /
/// node memory, kept within 3..999 (above any Guaranteed container, below BestEffort), a sidecar no
/// higher than the pod's smallest regular container.
/// </summary>
public static class OomScore
{
    public const int Agent = -999;
    public const int Guaranteed = -997;
    public const int BestEffort = 1000;

    public static int ForContainer(Pod pod, Container container, long memoryCapacityBytes)
    {
        if (pod.Spec?.PriorityClassName == "system-node-critical")
        {
            return Guaranteed;
        }
        switch (PodResources.QosClass(pod))
        {
            case "Guaranteed":
                return Guaranteed;
            case "BestEffort":
                return BestEffort;
        }
        var capacity = Math.Max(1, memoryCapacityBytes);
        var adjust = 1000 - (1000 * PodResources.RequestOf(container, "memory").Value() / capacity);
        var spec = pod.Spec ?? new PodSpec();
        if (container.RestartPolicy == "Always" && (spec.InitContainers ?? []).Any(c => c.Name == container.Name) && spec.Containers.Count > 0)
        {
            var smallest = spec.Containers.Min(c => PodResources.RequestOf(c, "memory").Value());
            adjust = Math.Min(adjust, 1000 - (1000 * smallest / capacity));
        }
        if (adjust < 1000 + Guaranteed)
        {
            return 1000 + Guaranteed;
        }
        return adjust == BestEffort ? BestEffort - 1 : (int)adjust;
    }

    /// <summary>
    /// Sets the score of a process and all its descendants. Each process is written before its
    /// children are listed, so a child forked before the write is listed and one forked after
    /// inherits the score: nothing started from <paramref name="rootPid"/> is missed.
    /// </summary>
    /// <returns>How many processes were set.</returns>
    public static int ApplyToTree(int rootPid, int score, string proc = "/proc")
    {
        var count = 0;
        var pending = new Queue<int>([rootPid]);
        var seen = new HashSet<int>();
        while (pending.TryDequeue(out var pid))
        {
            if (!seen.Add(pid) || !TryWrite(Path.Combine(proc, pid.ToString(CultureInfo.InvariantCulture), "oom_score_adj"), score))
            {
                continue;
            }
            count++;
            foreach (var child in Children(pid, proc))
            {
                pending.Enqueue(child);
            }
        }
        return count;
    }

    /// <summary>The agent's own score (-999), which is what the kubelet gives itself; false when the kernel refused (not root).</summary>
    public static bool ProtectSelf(string proc = "/proc") => TryWrite(Path.Combine(proc, "self", "oom_score_adj"), Agent);

    /// <summary>Every process below <paramref name="rootPid"/> (threads' children included).</summary>
    public static List<int> Descendants(int rootPid, string proc = "/proc")
    {
        var result = new List<int>();
        var pending = new Queue<int>([rootPid]);
        var seen = new HashSet<int>();
        while (pending.TryDequeue(out var pid))
        {
            if (!seen.Add(pid))
            {
                continue;
            }
            result.Add(pid);
            foreach (var child in Children(pid, proc))
            {
                pending.Enqueue(child);
            }
        }
        return result;
    }

    private static IEnumerable<int> Children(int pid, string proc)
    {
        var tasks = Path.Combine(proc, pid.ToString(CultureInfo.InvariantCulture), "task");
        IEnumerable<string> taskDirs;
        try
        {
            taskDirs = Directory.GetDirectories(tasks);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (var task in taskDirs)
        {
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(task, "children"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var child))
                {
                    yield return child;
                }
            }
        }
    }

    private static bool TryWrite(string path, int score)
    {
        try
        {
            File.WriteAllText(path, score.ToString(CultureInfo.InvariantCulture));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
