using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.ServiceAccounts;

/// <summary>Creates the ServiceAccounts every namespace must have (upstream: just <c>default</c>); the key is the namespace.</summary>
public sealed class ServiceAccountsReconciler(KubeClient client, Lister<Api.Core.Namespace> namespaces, Lister<ServiceAccount> accounts, ILogger logger)
    : IReconciler<ObjectKey>
{
    public static readonly IReadOnlySet<string> Managed = new HashSet<string>(StringComparer.Ordinal) { "default" };

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var ns = namespaces.Get(null, key.Name);
        // A terminating namespace refuses new objects; its content is on its way out.
        if (ns is null || ns.Metadata.DeletionTimestamp is not null || ns.Status?.Phase == "Terminating")
        {
            return ReconcileResult.Done;
        }
        foreach (var name in Managed)
        {
            if (accounts.Get(key.Name, name) is not null)
            {
                continue;
            }
            try
            {
                await client.Resource<ServiceAccount>().CreateAsync(new ServiceAccount { Metadata = new ObjectMeta { Name = name, Namespace = key.Name } }, ct);
                ServiceAccountsLog.Created(logger, key.Name, name);
            }
            catch (KubeApiException e) when (e.IsAlreadyExists)
            {
                // The cache was behind; it exists.
            }
            catch (KubeApiException e) when (e.Code == 403)
            {
                // The namespace began terminating after the cache saw it.
                return ReconcileResult.Done;
            }
        }
        return ReconcileResult.Done;
    }
}
