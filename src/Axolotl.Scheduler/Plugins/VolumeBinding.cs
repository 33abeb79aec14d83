using Axolotl.Api.Core;
using Axolotl.Api.Storage;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Plugins;

/// <summary>What <see cref="VolumeBinding"/> reads: the scheduler's claim, volume and class caches.</summary>
public interface IVolumeLookup
{
    PersistentVolumeClaim? Claim(string ns, string name);

    PersistentVolume? Volume(string name);

    StorageClass? Class(string name);
}

/// <summary>
/// kube-scheduler's VolumeBinding plugin, for the claims a pod mounts. PreFilter: every claim must
/// exist and not be deleting, and an unbound one must be of a WaitForFirstConsumer class (an unbound
/// immediate claim waits for the PV controller). Filter: a bound claim's volume must exist and its node
/// affinity admit the node; an unbound claim already given a node (volume.kubernetes.io/selected-node)
/// fits that node only. The scheduler then writes the chosen node on the pod's unbound claims and binds
/// the pod once they are bound (<see cref="UnboundDelayedClaims"/>).
/// </summary>
public sealed class VolumeBinding(IVolumeLookup volumes) : IPreFilterPlugin, IFilterPlugin
{
    public const string UnboundImmediate = "pod has unbound immediate PersistentVolumeClaims";
    public const string AffinityConflict = "node(s) had volume node affinity conflict";
    public const string MissingVolume = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
    public const string NotEnoughSpace = "node(s) did not have enough free storage";

    public string Name => "VolumeBinding";

    public FilterResult PreFilter(Pod pod)
    {
        var ns = pod.Metadata.Namespace ?? "default";
        foreach (var name in ClaimNames(pod))
        {
            var claim = volumes.Claim(ns, name);
            if (claim is null)
            {
                return FilterResult.Unresolvable($"persistentvolumeclaim \"{name}\" not found");
            }
            if (claim.Metadata.DeletionTimestamp is not null)
            {
                return FilterResult.Unresolvable($"persistentvolumeclaim \"{name}\" is being deleted");
            }
            if (string.IsNullOrEmpty(claim.Spec?.VolumeName) && !IsDelayed(claim))
            {
                return FilterResult.Unresolvable(UnboundImmediate);
            }
        }
        return FilterResult.Success;
    }

    public FilterResult Filter(Pod pod, NodeInfo node)
    {
        var ns = pod.Metadata.Namespace ?? "default";
        foreach (var name in ClaimNames(pod))
        {
            var claim = volumes.Claim(ns, name);
            if (claim is null)
            {
                continue; // PreFilter has said so
            }
            if (!string.IsNullOrEmpty(claim.Spec?.VolumeName))
            {
                var volume = volumes.Volume(claim.Spec.VolumeName);
                if (volume is null)
                {
                    return FilterResult.Unresolvable(MissingVolume);
                }
                if (!NodeSelectorMatch.Matches(volume.Spec?.NodeAffinity?.Required, node.Node))
                {
                    return FilterResult.Unresolvable(AffinityConflict);
                }
            }
            else if (claim.Metadata.Annotations?.GetValueOrDefault(VolumeAnnotations.SelectedNode) is { Length: > 0 } selected && selected != node.Name)
            {
                return FilterResult.Unschedulable(NotEnoughSpace);
            }
        }
        return FilterResult.Success;
    }

    /// <summary>The pod's unbound WaitForFirstConsumer claims: the chosen node must be written on them before the pod is bound.</summary>
    public IReadOnlyList<PersistentVolumeClaim> UnboundDelayedClaims(Pod pod)
    {
        var ns = pod.Metadata.Namespace ?? "default";
        return [.. ClaimNames(pod).Select(n => volumes.Claim(ns, n)).OfType<PersistentVolumeClaim>()
            .Where(c => string.IsNullOrEmpty(c.Spec?.VolumeName) && IsDelayed(c))];
    }

    public static IEnumerable<string> ClaimNames(Pod pod) =>
        (pod.Spec?.Volumes ?? []).Select(v => v.PersistentVolumeClaim?.ClaimName).OfType<string>().Where(n => n.Length > 0).Distinct(StringComparer.Ordinal);

    private bool IsDelayed(PersistentVolumeClaim claim) =>
        VolumeAnnotations.ClassOf(claim) is { Length: > 0 } className && volumes.Class(className)?.VolumeBindingMode == "WaitForFirstConsumer";
}
