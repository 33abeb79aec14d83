using System.Collections.Concurrent;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client;

namespace Axolotl.Agent.Pods;

/// <summary>
/// Reads ConfigMaps and Secrets from the API server on demand and remembers the last answer for each,
/// so that a container restarted while the API server cannot be reached gets the environment and
/// volume content it had (the kubelet serves these from its cache too). A refusal (403, 404) is an
/// answer and replaces what was remembered; only an unreachable server falls back.
/// </summary>
public sealed class KubeConfigSource(KubeClient client) : IConfigSource
{
    /// <summary>Objects remembered at most; beyond it the memory starts afresh (a node's pods reference far fewer).</summary>
    private const int MaxRemembered = 4096;

    private readonly ConcurrentDictionary<(string Kind, string? Namespace, string Name), KubeObject?> _last = new();

    public Task<ConfigMap?> GetConfigMapAsync(string ns, string name, CancellationToken ct) => GetAsync(client.Resource<ConfigMap>(), ns, name, ct);

    public Task<Secret?> GetSecretAsync(string ns, string name, CancellationToken ct) => GetAsync(client.Resource<Secret>(), ns, name, ct);

    public Task<PersistentVolumeClaim?> GetPersistentVolumeClaimAsync(string ns, string name, CancellationToken ct) =>
        GetAsync(client.Resource<PersistentVolumeClaim>(), ns, name, ct);

    public Task<PersistentVolume?> GetPersistentVolumeAsync(string name, CancellationToken ct) => GetAsync(client.Resource<PersistentVolume>(), null, name, ct);

    private async Task<T?> GetAsync<T>(ResourceClient<T> resource, string? ns, string name, CancellationToken ct)
        where T : KubeObject
    {
        var key = (typeof(T).Name, ns, name);
        try
        {
            var found = await resource.TryGetAsync(ns, name, ct);
            if (_last.Count >= MaxRemembered && !_last.ContainsKey(key))
            {
                _last.Clear();
            }
            _last[key] = found;
            return found;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ApiUnavailable.Is(ex) && _last.TryGetValue(key, out var remembered))
        {
            return (T?)remembered;
        }
    }
}
