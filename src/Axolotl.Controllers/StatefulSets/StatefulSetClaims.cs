using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Controllers.ReplicaSets;

namespace Axolotl.Controllers.StatefulSets;

/// <summary>
/// The claims of a StatefulSet's pods (upstream StatefulPodControl's claim half): one per
/// volumeClaimTemplate and ordinal, created before the pod and never by anyone else, labelled with the
/// template's labels and the selector's matchLabels. persistentVolumeClaimRetentionPolicy (GA in 1.32)
/// is carried by plain (non-controller) owner references that the garbage collector acts on:
/// whenDeleted=Delete makes the set an owner, whenScaled=Delete makes a pod removed by a scale-down
/// the owner; Retain removes those references again.
/// </summary>
internal sealed class StatefulSetClaims(KubeClient client, IObjectCache<PersistentVolumeClaim> claims, EventRecorder events)
{
    /// <summary>Creates the pod's missing claims; throws when one is being deleted (the pod must wait, as upstream).</summary>
    public async Task EnsureAsync(StatefulSet set, int ordinal, string podName, CancellationToken ct)
    {
        foreach (var template in set.Spec?.VolumeClaimTemplates ?? [])
        {
            var name = StatefulPods.ClaimName(template, set, ordinal);
            var existing = claims.Get(set.Metadata.Namespace, name);
            if (existing is not null)
            {
                if (existing.Metadata.DeletionTimestamp is not null)
                {
                    throw new InvalidOperationException($"pvc {name} is being deleted");
                }
                continue;
            }
            var claim = NewClaim(set, template, name);
            SetRetentionOwners(claim, set, podName, null, scaledDown: false);
            try
            {
                await client.CreateAsync(claim, ct);
                events.Record(set, EventRecorder.Normal, "SuccessfulCreate", $"create Claim {name} Pod {podName} in StatefulSet {set.Metadata.Name} success");
            }
            catch (KubeApiException e) when (e.IsAlreadyExists)
            {
                // Our informer had not seen it yet; it is the pod's claim all the same.
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                events.Record(set, EventRecorder.Warning, "FailedCreate", $"create Claim {name} for Pod {podName} in StatefulSet {set.Metadata.Name} failed error: {e.Message}");
                throw;
            }
        }
    }

    /// <summary>Brings the claims' owner references in line with the retention policy for this pod (upstream UpdatePodClaimForRetentionPolicy).</summary>
    public async Task SyncRetentionAsync(StatefulSet set, Pod pod, bool scaledDown, CancellationToken ct)
    {
        var ordinal = StatefulPods.Ordinal(pod);
        foreach (var template in set.Spec?.VolumeClaimTemplates ?? [])
        {
            var claim = claims.Get(set.Metadata.Namespace, StatefulPods.ClaimName(template, set, ordinal));
            if (claim is null || claim.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }
            var copy = claim.DeepCopy();
            if (!SetRetentionOwners(copy, set, pod.Metadata.Name ?? "", pod.Metadata.Uid, scaledDown))
            {
                continue;
            }
            try
            {
                await client.UpdateAsync(copy, ct);
            }
            catch (KubeApiException e) when (e.IsNotFound || e.IsConflict)
            {
                // Gone, or changed under us: the next sync looks again.
            }
        }
    }

    private static PersistentVolumeClaim NewClaim(StatefulSet set, PersistentVolumeClaim template, string name)
    {
        var copy = template.DeepCopy();
        var labels = new Dictionary<string, string>(copy.Metadata.Labels ?? [], StringComparer.Ordinal);
        foreach (var (key, value) in set.Spec?.Selector?.MatchLabels ?? [])
        {
            labels[key] = value;
        }
        return new PersistentVolumeClaim
        {
            ApiVersion = "v1",
            Kind = "PersistentVolumeClaim",
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = set.Metadata.Namespace,
                Labels = labels,
                Annotations = copy.Metadata.Annotations,
            },
            Spec = copy.Spec,
        };
    }

    /// <summary>Adds or removes the set's and the pod's owner references; true when something changed.</summary>
    private static bool SetRetentionOwners(PersistentVolumeClaim claim, StatefulSet set, string podName, string? podUid, bool scaledDown)
    {
        var policy = set.Spec?.PersistentVolumeClaimRetentionPolicy;
        var owners = claim.Metadata.OwnerReferences ?? [];
        var before = owners.Count;
        var changed = false;
        var wantSet = policy?.WhenDeleted == "Delete" && !(scaledDown && policy.WhenScaled == "Delete");
        var wantPod = scaledDown && policy?.WhenScaled == "Delete" && podUid is not null;
        changed |= Toggle(owners, wantSet, set.Metadata.Uid, () => new OwnerReference
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Name = set.Metadata.Name ?? "",
            Uid = set.Metadata.Uid ?? "",
        }, r => r.Kind == "StatefulSet" && r.Name == set.Metadata.Name);
        changed |= Toggle(owners, wantPod, podUid, () => new OwnerReference
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Name = podName,
            Uid = podUid ?? "",
        }, r => r.Kind == "Pod" && r.Name == podName);
        claim.Metadata.OwnerReferences = owners.Count == 0 && before == 0 ? claim.Metadata.OwnerReferences : owners;
        return changed;
    }

    private static bool Toggle(List<OwnerReference> owners, bool want, string? uid, Func<OwnerReference> make, Func<OwnerReference, bool> sameOwner)
    {
        var has = owners.Any(r => sameOwner(r) && r.Uid == uid);
        if (want && !has)
        {
            owners.RemoveAll(r => sameOwner(r));
            owners.Add(make());
            return true;
        }
        if (!want && owners.RemoveAll(r => sameOwner(r)) > 0)
        {
            return true;
        }
        return false;
    }
}
