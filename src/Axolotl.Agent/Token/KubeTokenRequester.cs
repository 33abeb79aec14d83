using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Client;

namespace Axolotl.Agent.Token;

/// <summary>TokenRequests with the node's own credential, bound to the pod (the node authorizer allows only its own pods' accounts).</summary>
public sealed class KubeTokenRequester(KubeClient client) : ITokenRequester
{
    public async Task<ServiceAccountToken> RequestAsync(Pod pod, string? audience, long expirationSeconds, CancellationToken ct)
    {
        var spec = new JsonObject
        {
            ["expirationSeconds"] = expirationSeconds,
            ["boundObjectRef"] = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["name"] = pod.Metadata.Name,
                ["uid"] = pod.Metadata.Uid,
            },
        };
        if (!string.IsNullOrEmpty(audience))
        {
            spec["audiences"] = new JsonArray(audience);
        }
        var body = new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenRequest", ["spec"] = spec };
        var answer = await client.Resource<ServiceAccount>().CreateSubresourceAsync(pod.Metadata.Namespace, pod.Spec?.ServiceAccountName ?? "default", "token", body, ct);
        if (answer?["status"]?["token"] is not JsonValue token || token.GetValueKind() != JsonValueKind.String ||
            answer["status"]?["expirationTimestamp"] is not JsonValue expiry || expiry.GetValueKind() != JsonValueKind.String ||
            !DateTimeOffset.TryParse(expiry.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires))
        {
            throw new InvalidOperationException("the API server answered a TokenRequest without a token");
        }
        var seconds = answer["spec"]?["expirationSeconds"] is JsonValue s && s.TryGetValue(out long l) ? l : expirationSeconds;
        return new ServiceAccountToken(token.GetValue<string>(), expires, seconds);
    }
}
