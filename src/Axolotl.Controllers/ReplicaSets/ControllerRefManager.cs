using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.Api.Serialization;
using Axolotl.Client;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>
/// Decides which objects a controller owns (upstream's ControllerRefManager): it keeps what it already
/// controls and still selects, releases what it controls but no longer selects, and adopts orphans it
/// selects. Another controller's objects are never touched. Adoption first re-reads the owner from the
/// API (not the cache) once, so an owner that was just deleted or replaced adopts nothing. Ownership
/// changes are JSON merge patches with the object's resourceVersion, so a stale cache gets a 409
/// instead of overwriting someone else's change.
/// </summary>
internal sealed class ControllerRefManager<T>(
    KubeClient client,
    KubeObject owner,
    ResourceType ownerType,
    ParsedLabelSelector selector)
    where T : KubeObject
{
    private readonly ResourceClient<T> _dependents = client.Resource<T>();
    private readonly OwnerReference _controllerRef = ControllerRefs.NewControllerRef(owner, ownerType);
    private Task? _canAdopt;

    /// <summary>
    /// The candidates this owner now controls (adopted ones as the API returned them). Every candidate is
    /// tried; if any adoption or release failed, the first failure is thrown after the others were done.
    /// </summary>
    public async Task<List<T>> ClaimAsync(IEnumerable<T> candidates, CancellationToken ct)
    {
        var claimed = new List<T>();
        var errors = new List<Exception>();
        foreach (var candidate in candidates)
        {
            try
            {
                if (await ClaimOneAsync(candidate, ct) is { } kept)
                {
                    claimed.Add(kept);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                errors.Add(e);
            }
        }
        if (errors.Count == 1)
        {
            ExceptionDispatchInfo.Throw(errors[0]);
        }
        if (errors.Count > 1)
        {
            throw new AggregateException($"claiming {errors.Count} objects for {ownerType.Kind} {owner.Metadata.Namespace}/{owner.Metadata.Name} failed", errors);
        }
        return claimed;
    }

    private async Task<T?> ClaimOneAsync(T obj, CancellationToken ct)
    {
        var controllerRef = ControllerRefs.ControllerOf(obj);
        var matches = selector.Matches(obj.Metadata.Labels);
        if (controllerRef is not null)
        {
            if (controllerRef.Uid != owner.Metadata.Uid)
            {
                return null;
            }
            if (matches)
            {
                // Kept even while the owner is being deleted: keeping takes no action.
                return obj;
            }
            if (owner.Metadata.DeletionTimestamp is not null)
            {
                return null;
            }
            await PatchOwnersAsync(obj, Others(obj), ct);
            return null;
        }
        if (owner.Metadata.DeletionTimestamp is not null || !matches || obj.Metadata.DeletionTimestamp is not null ||
            (owner.Metadata.Namespace ?? "") != (obj.Metadata.Namespace ?? ""))
        {
            return null;
        }
        await (_canAdopt ??= RecheckOwnerAsync(ct));
        var owners = Others(obj);
        owners.Add(_controllerRef);
        return await PatchOwnersAsync(obj, owners, ct);
    }

    private List<OwnerReference> Others(T obj) =>
        obj.Metadata.OwnerReferences?.Where(r => r.Uid != owner.Metadata.Uid).ToList() ?? [];

    /// <summary>Writes the ownerReferences; a dependent that is already gone is not an error (null).</summary>
    private async Task<T?> PatchOwnersAsync(T obj, List<OwnerReference> owners, CancellationToken ct)
    {
        var metadata = new JsonObject
        {
            ["resourceVersion"] = obj.Metadata.ResourceVersion,
            // null removes the field, as upstream leaves no empty list behind.
            ["ownerReferences"] = owners.Count == 0 ? null : JsonSerializer.SerializeToNode(owners, KubeJson.Options),
        };
        try
        {
            return await _dependents.PatchAsync(obj.Metadata.Namespace, obj.Metadata.Name ?? "", PatchType.Merge,
                new JsonObject { ["metadata"] = metadata }, ct);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>Upstream's RecheckDeletionTimestamp: an uncached read of the owner before the first adoption.</summary>
    private async Task RecheckOwnerAsync(CancellationToken ct)
    {
        var ns = owner.Metadata.Namespace;
        var name = owner.Metadata.Name ?? "";
        var fresh = await client.Resource<Unstructured>(ownerType).TryGetAsync(ns, name, ct);
        if (fresh is null || fresh.Metadata.Uid != owner.Metadata.Uid)
        {
            throw new InvalidOperationException(
                $"original {ownerType.Kind} {ns}/{name} is gone: got uid {fresh?.Metadata.Uid}, wanted {owner.Metadata.Uid}");
        }
        if (fresh.Metadata.DeletionTimestamp is { } deleted)
        {
            throw new InvalidOperationException($"{ns}/{name} has just been deleted at {KubeTimeConverter.Format(deleted)}");
        }
    }
}
