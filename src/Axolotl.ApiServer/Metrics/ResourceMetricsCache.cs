using System.Collections.Concurrent;
using System.Globalization;
using Axolotl.Api.Metrics;
using Axolotl.Api.Resources;

namespace Axolotl.ApiServer.Metrics;

/// <summary>
/// The resource metrics API's data, as metrics-server keeps it: per node, the last two summaries its
/// agent reported. CPU is the rate between them (cumulative CPU nanoseconds used ÷ the time between
/// the readings, in nanocores), memory the working set of the newer one. A container whose counter
/// went backwards or whose instance changed (a restart) has no rate until its next reading, and a
/// pod with no container rated is absent, as it is from metrics-server.
/// </summary>
public sealed class ResourceMetricsCache
{
    private readonly ConcurrentDictionary<string, NodeWindow> _nodes = new(StringComparer.Ordinal);

    public void Record(string node, ResourceStatsSummary summary) =>
        _nodes.AddOrUpdate(node, _ => NodeWindow.First(summary), (_, previous) => previous.Next(summary));

    public void Forget(string node) => _nodes.TryRemove(node, out _);

    public IReadOnlyCollection<string> Nodes => [.. _nodes.Keys];

    public NodeMetrics? Node(string name) =>
        _nodes.TryGetValue(name, out var window) && window.Node is { } usage
            ? new NodeMetrics
            {
                ApiVersion = "metrics.k8s.io/v1beta1",
                Kind = "NodeMetrics",
                Metadata = new() { Name = name },
                Timestamp = window.Latest.Timestamp,
                Window = window.WindowText,
                Usage = usage,
            }
            : null;

    /// <summary>Every rated pod, by UID.</summary>
    public Dictionary<string, PodMetrics> Pods()
    {
        var result = new Dictionary<string, PodMetrics>(StringComparer.Ordinal);
        foreach (var window in _nodes.Values)
        {
            foreach (var (uid, pod) in window.Pods)
            {
                result[uid] = pod;
            }
        }
        return result;
    }

    /// <summary>Nanocores used between two cumulative readings; null when the counter restarted.</summary>
    internal static long? CpuRate(long before, long after, TimeSpan window) =>
        after < before || window <= TimeSpan.Zero ? null : (long)Math.Round((after - before) * 1e9 / (window.Ticks * 100.0));

    internal static Dictionary<string, Quantity> Usage(long nanocores, long workingSet) => new(StringComparer.Ordinal)
    {
        ["cpu"] = Quantity.FromNanos(nanocores),
        ["memory"] = Quantity.FromBytes(workingSet),
    };

    /// <summary>Go's time.Duration.String for the window: "14.998s", "1m0.5s".</summary>
    internal static string FormatWindow(TimeSpan window)
    {
        var minutes = (long)window.TotalMinutes;
        var seconds = (window - TimeSpan.FromMinutes(minutes)).TotalSeconds.ToString("0.#########", CultureInfo.InvariantCulture);
        return minutes > 0 ? $"{minutes}m{seconds}s" : $"{seconds}s";
    }

    private sealed record NodeWindow(ResourceStatsSummary? Previous, ResourceStatsSummary Latest, Dictionary<string, Quantity>? Node, Dictionary<string, PodMetrics> Pods)
    {
        public string WindowText => Previous is null ? "0s" : FormatWindow(Latest.Timestamp - Previous.Timestamp);

        public static NodeWindow First(ResourceStatsSummary summary) => new(null, summary, null, []);

        public NodeWindow Next(ResourceStatsSummary latest)
        {
            var previous = Latest;
            var window = latest.Timestamp - previous.Timestamp;
            if (window <= TimeSpan.Zero)
            {
                return this;
            }
            var node = CpuRate(previous.Node.CpuUsageNanoseconds, latest.Node.CpuUsageNanoseconds, window) is { } nodeRate
                ? Usage(nodeRate, latest.Node.MemoryWorkingSetBytes)
                : null;
            var before = previous.Pods.ToDictionary(p => p.Uid, StringComparer.Ordinal);
            var pods = new Dictionary<string, PodMetrics>(StringComparer.Ordinal);
            var windowText = FormatWindow(window);
            foreach (var pod in latest.Pods)
            {
                if (!before.TryGetValue(pod.Uid, out var earlier))
                {
                    continue;
                }
                var containers = new List<ContainerMetrics>();
                foreach (var container in pod.Containers)
                {
                    var old = earlier.Containers.FirstOrDefault(c => c.Name == container.Name && c.ContainerId == container.ContainerId);
                    if (old is not null && CpuRate(old.Usage.CpuUsageNanoseconds, container.Usage.CpuUsageNanoseconds, window) is { } rate)
                    {
                        containers.Add(new ContainerMetrics { Name = container.Name, Usage = Usage(rate, container.Usage.MemoryWorkingSetBytes) });
                    }
                }
                if (containers.Count > 0)
                {
                    pods[pod.Uid] = new PodMetrics
                    {
                        ApiVersion = "metrics.k8s.io/v1beta1",
                        Kind = "PodMetrics",
                        Metadata = new() { Name = pod.Name, Namespace = pod.Namespace },
                        Timestamp = latest.Timestamp,
                        Window = windowText,
                        Containers = containers,
                    };
                }
            }
            return new NodeWindow(previous, latest, node, pods);
        }
    }
}
