using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.RootCaCertPublisher;

/// <summary>Creates or repairs a namespace's <c>kube-root-ca.crt</c>; the key is the namespace.</summary>
public sealed class RootCaCertReconciler(KubeClient client, string caPem, Lister<Api.Core.Namespace> namespaces, Lister<ConfigMap> configMaps, ILogger logger)
    : IReconciler<ObjectKey>
{
    public const string ConfigMapName = "kube-root-ca.crt";

    public const string DataKey = "ca.crt";

    public const string DescriptionAnnotation = "kubernetes.io/description";

    /// <summary>Upstream's wording, which says what the bundle is for.</summary>
    public const string Description = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var ns = namespaces.Get(null, key.Name);
        if (ns is null || ns.Metadata.DeletionTimestamp is not null || ns.Status?.Phase == "Terminating")
        {
            return ReconcileResult.Done;
        }
        var resource = client.Resource<ConfigMap>();
        var existing = configMaps.Get(key.Name, ConfigMapName);
        try
        {
            if (existing is null)
            {
                await resource.CreateAsync(new ConfigMap
                {
                    Metadata = new ObjectMeta { Name = ConfigMapName, Namespace = key.Name, Annotations = new() { [DescriptionAnnotation] = Description } },
                    Data = new() { [DataKey] = caPem },
                }, ct);
                ServiceAccounts.ServiceAccountsLog.Published(logger, key.Name, ConfigMapName);
                return ReconcileResult.Done;
            }
            if (IsCurrent(existing))
            {
                return ReconcileResult.Done;
            }
            // Never mutate the cache: repair a copy, with its resourceVersion as the precondition.
            var copy = ObjectCopy.DeepCopy(existing);
            copy.Data = new() { [DataKey] = caPem };
            copy.BinaryData = null;
            copy.Metadata.Annotations ??= [];
            copy.Metadata.Annotations[DescriptionAnnotation] = Description;
            await resource.UpdateAsync(copy, ct);
            ServiceAccounts.ServiceAccountsLog.Published(logger, key.Name, ConfigMapName);
            return ReconcileResult.Done;
        }
        catch (KubeApiException e) when (e.IsAlreadyExists || e.IsConflict || e.IsNotFound)
        {
            return ReconcileResult.Requeue;
        }
        catch (KubeApiException e) when (e.Code == 403)
        {
            // The namespace began terminating after the cache saw it.
            return ReconcileResult.Done;
        }
    }

    private bool IsCurrent(ConfigMap cm) =>
        cm.Data is { Count: 1 } data && data.TryGetValue(DataKey, out var value) && value == caPem && cm.BinaryData is not { Count: > 0 } &&
        cm.Metadata.Annotations?.GetValueOrDefault(DescriptionAnnotation) == Description;
}
