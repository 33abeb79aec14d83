using System.Text;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client;

namespace Axolotl.Commands;

/// <summary>
/// The token the API server presents to node agents' kubelet endpoints (logs, exec), published as
/// the Secret kube-system/axolotl-kubelet-client so joined agents can accept it. The API server does
/// not accept this token itself.
/// </summary>
public static class KubeletClientSecret
{
    public const string Namespace = "kube-system";
    public const string Name = "axolotl-kubelet-client";
    public const string Key = "token";

    public static async Task PublishAsync(KubeClient client, string token, CancellationToken ct)
    {
        var secrets = client.Resource<Secret>();
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [Key] = Encoding.UTF8.GetBytes(token) };
        var existing = await secrets.TryGetAsync(Namespace, Name, ct);
        if (existing is null)
        {
            await client.CreateAsync(new Secret
            {
                ApiVersion = "v1",
                Kind = "Secret",
                Metadata = new ObjectMeta { Name = Name, Namespace = Namespace },
                Type = "Opaque",
                Data = data,
            }, ct);
            return;
        }
        if (existing.Data?.GetValueOrDefault(Key) is { } current && current.AsSpan().SequenceEqual(data[Key]))
        {
            return;
        }
        existing.Data = data;
        await client.UpdateAsync(existing, ct);
    }

    /// <summary>Reads the token as a node; null until the server has published it.</summary>
    public static async Task<string?> ReadAsync(KubeClient client, CancellationToken ct)
    {
        var secret = await client.Resource<Secret>().TryGetAsync(Namespace, Name, ct);
        return secret?.Data?.GetValueOrDefault(Key) is { Length: > 0 } bytes ? Encoding.UTF8.GetString(bytes).Trim() : null;
    }
}
