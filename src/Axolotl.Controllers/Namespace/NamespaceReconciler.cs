using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Client.Discovery;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Namespace;

/// <summary>
/// Empties a terminating namespace and finalizes it. Order: the namespace must exist, carry a
/// deletionTimestamp and still list "kubernetes" in spec.finalizers; then every namespaced object in
/// it is deleted (background propagation); while any remain, look again later; when none remain, PUT
/// …/finalize with the "kubernetes" finalizer removed, after which the API server deletes the namespace
/// (once its metadata.finalizers are empty too).
/// </summary>
public sealed class NamespaceReconciler(KubeClient client, ILogger logger, NamespaceControllerOptions? options = null) : IReconciler<string>
{
    /// <summary>The spec.finalizers entry this controller owns.</summary>
    public const string KubernetesFinalizer = "kubernetes";

    private readonly NamespaceControllerOptions _options = options ?? new NamespaceControllerOptions();

    public async Task<ReconcileResult> ReconcileAsync(string name, CancellationToken ct)
    {
        var namespaces = client.Raw(KnownResources.Namespaces);
        var ns = await namespaces.TryGetAsync(null, name, ct);
        if (ns is null || ns["metadata"]?["deletionTimestamp"] is null || !SpecFinalizers(ns).Contains(KubernetesFinalizer))
        {
            return ReconcileResult.Done;
        }

        var remaining = await DeleteContentAsync(name, ct);
        if (remaining > 0)
        {
            NamespaceLog.ContentRemaining(logger, name, remaining);
            return ReconcileResult.RequeueAfter(_options.ContentPollInterval);
        }

        NamespaceLog.Finalizing(logger, name);
        var finalized = ns.DeepClone().AsObject();
        var spec = finalized["spec"] as JsonObject ?? new JsonObject();
        finalized["spec"] = spec;
        spec["finalizers"] = new JsonArray(SpecFinalizers(ns).Where(f => f != KubernetesFinalizer).Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
        try
        {
            await namespaces.UpdateSubresourceAsync(finalized, "finalize", ct);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            // Deleted meanwhile.
        }
        return ReconcileResult.Done;
    }

    /// <summary>Deletes what is left and returns how many objects still exist (including those already terminating).</summary>
    private async Task<int> DeleteContentAsync(string ns, CancellationToken ct)
    {
        var remaining = 0;
        foreach (var resource in await ResourcesAsync(ns, ct))
        {
            var objects = client.Resource<Unstructured>(resource);
            KubeList<Unstructured> list;
            try
            {
                list = await objects.ListAllAsync(ns, new ListOptions { Limit = 500 }, ct);
            }
            catch (KubeApiException e) when (e.IsNotFound || e.Code == 405)
            {
                NamespaceLog.ResourceNotServed(logger, ns, resource.QualifiedResource);
                continue;
            }
            foreach (var item in list.Items)
            {
                if (item.Metadata.DeletionTimestamp is not null)
                {
                    remaining++;
                    continue;
                }
                var itemName = item.Metadata.Name ?? "";
                NamespaceLog.Deleting(logger, resource.Kind, ns, itemName);
                try
                {
                    var answer = await objects.DeleteAsync(ns, itemName, new DeleteOptions
                    {
                        PropagationPolicy = PropagationPolicy.Background,
                        Preconditions = new Preconditions { Uid = item.Metadata.Uid },
                    }, ct);
                    // An answer with a deletionTimestamp is an object that stays while its grace period
                    // or finalizers run; without one it is the final state of an object already gone.
                    if (answer?.Metadata.DeletionTimestamp is not null)
                    {
                        remaining++;
                    }
                }
                catch (KubeApiException e) when (e.IsNotFound)
                {
                    // Gone already.
                }
                catch (KubeApiException e) when (e.IsConflict)
                {
                    // Replaced by a new object with the same name: it is content too; count it and look again.
                    remaining++;
                }
            }
        }
        return remaining;
    }

    private async Task<IReadOnlyList<ResourceType>> ResourcesAsync(string ns, CancellationToken ct)
    {
        if (!_options.DiscoverCustomResources)
        {
            return _options.Resources;
        }
        try
        {
            var served = await ServedResources.DiscoverAsync(client, ct);
            return [.. _options.Resources, .. NamespaceControllerOptions.Emptied(served.Custom)];
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Finalizing without having looked at the custom resources would leave them behind in the
            // store: fail the pass and let the queue retry.
            NamespaceLog.DiscoveryFailed(logger, ns, e);
            throw;
        }
    }

    private static List<string> SpecFinalizers(JsonObject ns) =>
        ns["spec"]?["finalizers"] is JsonArray array
            ? array.Select(f => f?.GetValue<string>()).OfType<string>().ToList()
            : [];
}
