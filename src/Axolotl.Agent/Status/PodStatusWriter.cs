using System.Collections.Concurrent;
using System.Text.Json;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;
using Axolotl.Client;

namespace Axolotl.Agent.Status;

/// <summary>
/// Writes pod status through the status subresource, only when it differs from what was last written
/// (or from what the pod already carries). Retries a conflict against the newest pod.
/// </summary>
public sealed class PodStatusWriter(KubeClient client)
{
    private readonly ConcurrentDictionary<string, string> _written = new(StringComparer.Ordinal);

    /// <summary>Writes <paramref name="status"/> for <paramref name="pod"/> if it changed; returns the pod as stored (or the input when nothing was written).</summary>
    public async Task<Pod> WriteAsync(Pod pod, PodStatus status, CancellationToken ct)
    {
        var uid = pod.Metadata.Uid ?? "";
        var json = JsonSerializer.Serialize(status, KubeJson.Options);
        if (_written.TryGetValue(uid, out var last) && last == json)
        {
            return pod;
        }
        if (pod.Status is not null && JsonSerializer.Serialize(pod.Status, KubeJson.Options) == json)
        {
            _written[uid] = json;
            return pod;
        }
        var target = pod;
        for (var attempt = 0; ; attempt++)
        {
            var update = new Pod
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Metadata = target.Metadata,
                Spec = target.Spec,
                Status = status,
            };
            try
            {
                var stored = await client.UpdateStatusAsync(update, ct);
                _written[uid] = json;
                return stored;
            }
            catch (KubeApiException ex) when (ex.IsConflict && attempt < 3)
            {
                target = await client.GetAsync<Pod>(pod.Metadata.Namespace, pod.Metadata.Name!, ct);
                if (target.Metadata.Uid != pod.Metadata.Uid)
                {
                    return pod;
                }
            }
        }
    }

    public void Forget(string uid) => _written.TryRemove(uid, out _);
}
