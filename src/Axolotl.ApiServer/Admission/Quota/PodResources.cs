using Axolotl.Api.Core;
using Axolotl.Api.Resources;

namespace Axolotl.ApiServer.Admission.Quota;

/// <summary>
/// A pod's effective requests and limits as upstream's resource helper computes them: the sum over
/// app containers and restartable (sidecar) init containers, at least the largest of any ordinary init
/// container plus the sidecars started before it, plus the pod overhead.
/// </summary>
public static class PodResources
{
    public static Dictionary<string, Quantity> Requests(Pod pod) => Aggregate(pod, c => c.Resources?.Requests);

    public static Dictionary<string, Quantity> Limits(Pod pod) => Aggregate(pod, c => c.Resources?.Limits);

    /// <summary>BestEffort: no container asks for or limits cpu or memory (zero amounts do not count).</summary>
    public static bool IsBestEffort(Pod pod)
    {
        var spec = pod.Spec;
        if (spec is null)
        {
            return true;
        }
        foreach (var container in (spec.InitContainers ?? []).Concat(spec.Containers))
        {
            foreach (var list in new[] { container.Resources?.Requests, container.Resources?.Limits })
            {
                foreach (var (name, value) in list ?? [])
                {
                    if (name is QuotaResourceNames.Cpu or QuotaResourceNames.Memory && !value.IsZero)
                    {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static Dictionary<string, Quantity> Aggregate(Pod pod, Func<Container, Dictionary<string, Quantity>?> select)
    {
        var total = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        var spec = pod.Spec;
        if (spec is null)
        {
            return total;
        }
        foreach (var container in spec.Containers)
        {
            AddInto(total, select(container));
        }
        var sidecars = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        var initPeak = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var init in spec.InitContainers ?? [])
        {
            var own = select(init) ?? [];
            Dictionary<string, Quantity> running;
            if (init.RestartPolicy == "Always")
            {
                // A sidecar keeps running next to the app containers and every later init container.
                AddInto(total, own);
                AddInto(sidecars, own);
                running = new Dictionary<string, Quantity>(sidecars, StringComparer.Ordinal);
            }
            else
            {
                running = new Dictionary<string, Quantity>(sidecars, StringComparer.Ordinal);
                AddInto(running, own);
            }
            MaxInto(initPeak, running);
        }
        MaxInto(total, initPeak);
        AddInto(total, spec.Overhead);
        return total;
    }

    private static void AddInto(Dictionary<string, Quantity> target, Dictionary<string, Quantity>? add)
    {
        foreach (var (name, value) in add ?? [])
        {
            target[name] = target.TryGetValue(name, out var existing) ? existing + value : value;
        }
    }

    private static void MaxInto(Dictionary<string, Quantity> target, Dictionary<string, Quantity> other)
    {
        foreach (var (name, value) in other)
        {
            if (!target.TryGetValue(name, out var existing) || value > existing)
            {
                target[name] = value;
            }
        }
    }
}
