using Axolotl.Api.Core;
using Axolotl.Client;

namespace Axolotl.Agent.Pods;

/// <summary>Reads ConfigMaps and Secrets from the API server on demand.</summary>
public sealed class KubeConfigSource(KubeClient client) : IConfigSource
{
    public Task<ConfigMap?> GetConfigMapAsync(string ns, string name, CancellationToken ct) => client.Resource<ConfigMap>().TryGetAsync(ns, name, ct);

    public Task<Secret?> GetSecretAsync(string ns, string name, CancellationToken ct) => client.Resource<Secret>().TryGetAsync(ns, name, ct);
}
