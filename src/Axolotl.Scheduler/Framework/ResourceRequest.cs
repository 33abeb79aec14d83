using Axolotl.Api.Core;
using Axolotl.Api.Resources;

namespace Axolotl.Scheduler.Framework;

/// <summary>CPU (millicores) and memory (bytes) a pod asks for, computed as upstream's resource helper does.</summary>
public readonly record struct ResourceRequest(long MilliCpu, long Memory)
{
    /// <summary>What the scoring plugins assume a container without a cpu request uses (upstream DefaultMilliCPURequest).</summary>
    public const long DefaultMilliCpu = 100;

    /// <summary>What the scoring plugins assume a container without a memory request uses (upstream DefaultMemoryRequest).</summary>
    public const long DefaultMemory = 200L * 1024 * 1024;

    public bool IsZero => MilliCpu == 0 && Memory == 0;

    public static ResourceRequest operator +(ResourceRequest a, ResourceRequest b) => new(a.MilliCpu + b.MilliCpu, a.Memory + b.Memory);

    public static ResourceRequest Add(ResourceRequest a, ResourceRequest b) => a + b;

    public static ResourceRequest Max(ResourceRequest a, ResourceRequest b) => new(Math.Max(a.MilliCpu, b.MilliCpu), Math.Max(a.Memory, b.Memory));

    /// <summary>
    /// The pod's effective request: app containers and sidecars (restartable init containers) run
    /// together and are summed; ordinary init containers run one at a time next to the sidecars
    /// started before them, so only the largest such moment counts; then the pod overhead is added.
    /// </summary>
    public static ResourceRequest ForPod(Pod pod) => Compute(pod, nonZero: false);

    /// <summary>Like <see cref="ForPod"/> but a container without a request counts as 100m / 200Mi, so that scoring sees best-effort pods.</summary>
    public static ResourceRequest NonZeroForPod(Pod pod) => Compute(pod, nonZero: true);

    public static ResourceRequest ForContainer(Container container, bool nonZero)
    {
        var requests = container.Resources?.Requests;
        long cpu = requests is not null && requests.TryGetValue("cpu", out var c) ? c.MilliValue() : nonZero ? DefaultMilliCpu : 0;
        long memory = requests is not null && requests.TryGetValue("memory", out var m) ? m.Value() : nonZero ? DefaultMemory : 0;
        return new ResourceRequest(cpu, memory);
    }

    private static ResourceRequest Compute(Pod pod, bool nonZero)
    {
        var spec = pod.Spec;
        if (spec is null)
        {
            return default;
        }
        var total = default(ResourceRequest);
        foreach (var container in spec.Containers)
        {
            total += ForContainer(container, nonZero);
        }
        var sidecars = default(ResourceRequest);
        var initPeak = default(ResourceRequest);
        foreach (var init in spec.InitContainers ?? [])
        {
            var request = ForContainer(init, nonZero);
            ResourceRequest moment;
            if (init.RestartPolicy == "Always")
            {
                total += request;
                sidecars += request;
                moment = sidecars;
            }
            else
            {
                moment = request + sidecars;
            }
            initPeak = Max(initPeak, moment);
        }
        total = Max(total, initPeak);
        if (spec.Overhead is { } overhead)
        {
            total += new ResourceRequest(
                overhead.TryGetValue("cpu", out var oc) ? oc.MilliValue() : 0,
                overhead.TryGetValue("memory", out var om) ? om.Value() : 0);
        }
        return total;
    }

    /// <summary>The value of <paramref name="name"/> in <paramref name="list"/> scaled by <paramref name="read"/>, or 0.</summary>
    internal static long Read(Dictionary<string, Quantity>? list, string name, Func<Quantity, long> read) =>
        list is not null && list.TryGetValue(name, out var q) ? read(q) : 0;
}
