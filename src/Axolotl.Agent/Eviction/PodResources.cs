using Axolotl.Agent.Status;
using Axolotl.Api.Core;
using Axolotl.Api.Resources;

namespace Axolotl.Agent.Eviction;

/// <summary>A pod's requests, priority, QoS class and criticality, as the kubelet reads them.</summary>
public static class PodResources
{
    /// <summary>system-cluster-critical's value: pods at or above it are critical and never evicted.</summary>
    public const int SystemCriticalPriority = 2_000_000_000;

    public static string QosClass(Pod pod) => PodStatusComputer.QosClassOf(pod.Spec ?? new PodSpec());

    public static int Priority(Pod pod) => pod.Spec?.Priority ?? 0;

    /// <summary>Upstream IsCriticalPod for API pods: priority at least system-cluster-critical's.</summary>
    public static bool IsCritical(Pod pod) => Priority(pod) >= SystemCriticalPriority;

    /// <summary>
    /// The pod's effective request of a resource (GetResourceRequestQuantity): its app containers and
    /// sidecars summed, or the largest plain init container's request with the sidecars started before
    /// it if that is more, plus the pod overhead.
    /// </summary>
    public static Quantity Request(Pod pod, string resource)
    {
        var spec = pod.Spec ?? new PodSpec();
        var sum = Quantity.Zero;
        foreach (var container in spec.Containers)
        {
            sum += RequestOf(container, resource);
        }
        var sidecars = Quantity.Zero;
        var initMax = Quantity.Zero;
        foreach (var init in spec.InitContainers ?? [])
        {
            if (init.RestartPolicy == "Always")
            {
                sidecars += RequestOf(init, resource);
                continue;
            }
            initMax = Quantity.Max(initMax, sidecars + RequestOf(init, resource));
        }
        var result = Quantity.Max(sum + sidecars, initMax);
        if (spec.Overhead?.TryGetValue(resource, out var overhead) == true)
        {
            result += overhead;
        }
        return result;
    }

    public static Quantity RequestOf(Container container, string resource) =>
        container.Resources?.Requests?.TryGetValue(resource, out var request) == true ? request : Quantity.Zero;
}
