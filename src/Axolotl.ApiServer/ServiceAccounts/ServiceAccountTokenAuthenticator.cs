using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.ServiceAccounts;

/// <summary>
/// Bearer JWTs this server issued, checked as upstream's service account token authenticator does:
/// signature (our key, ES256 only), issuer, an audience of the API server's, expiry and not-before,
/// then the objects behind it: the ServiceAccount, and the pod or secret (or node) it is bound to,
/// must still exist with the same uid and not be past deletion. The principal is
/// system:serviceaccount:NS:NAME in system:serviceaccounts, system:serviceaccounts:NS and
/// system:authenticated, with the pod, node and credential id as extra.
/// </summary>
public sealed class ServiceAccountTokenAuthenticator(ObjectStore objects, ServiceAccountKey key, ServiceAccountTokenOptions options, TimeProvider clock)
{
    public const string PodNameExtra = "authentication.kubernetes.io/pod-name";
    public const string PodUidExtra = "authentication.kubernetes.io/pod-uid";
    public const string NodeNameExtra = "authentication.kubernetes.io/node-name";
    public const string NodeUidExtra = "authentication.kubernetes.io/node-uid";
    public const string CredentialIdExtra = "authentication.kubernetes.io/credential-id";

    /// <summary>The principal, or null when the token is not one of ours or no longer valid (the caller answers 401).</summary>
    public async Task<Principal?> AuthenticateAsync(string token, CancellationToken ct)
    {
        if (Jwt.Verify(token, key) is not { } json || ServiceAccountTokenClaims.FromJson(json) is not { } claims)
        {
            return null;
        }
        var now = clock.GetUtcNow();
        if (claims.Issuer != options.Issuer || !claims.Audiences.Any(options.ApiAudiences.Contains) ||
            now >= claims.Expires || (claims.NotBefore is { } nbf && now < nbf))
        {
            return null;
        }
        if (!await IsLiveAsync(KnownResources.ServiceAccounts, claims.Namespace, claims.ServiceAccount, now, ct))
        {
            return null;
        }
        if (claims.Pod is { } pod && !await IsLiveAsync(KnownResources.Pods, claims.Namespace, pod, now, ct))
        {
            return null;
        }
        if (claims.Secret is { } secret && !await IsLiveAsync(KnownResources.Secrets, claims.Namespace, secret, now, ct))
        {
            return null;
        }
        // A pod-bound token names the pod's node for information; a node-bound one stands or falls with the node.
        if (claims.Pod is null && claims.Secret is null && claims.Node is { } node && !await IsLiveAsync(KnownResources.Nodes, null, node, now, ct))
        {
            return null;
        }
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (claims.Pod is { } p)
        {
            extra[PodNameExtra] = [p.Name];
            extra[PodUidExtra] = [p.Uid];
        }
        if (claims.Node is { } n)
        {
            extra[NodeNameExtra] = [n.Name];
            extra[NodeUidExtra] = [n.Uid];
        }
        if (claims.Id.Length > 0)
        {
            extra[CredentialIdExtra] = ["JTI=" + claims.Id];
        }
        return Principal.ServiceAccount(claims.Namespace, claims.ServiceAccount.Name, claims.ServiceAccount.Uid, extra);
    }

    private async Task<bool> IsLiveAsync(ResourceType type, string? ns, ClaimRef expected, DateTimeOffset now, CancellationToken ct)
    {
        var found = await objects.GetAsync(type, ns, expected.Name, ct);
        if (found is null)
        {
            return false;
        }
        var meta = ObjectMetaRules.Meta(found.Object);
        if (ObjectMetaRules.Str(meta, "uid") != expected.Uid)
        {
            return false;
        }
        // Upstream: an object whose deletion time has passed no longer vouches for the token.
        return meta["deletionTimestamp"] is not JsonValue deletion || !deletion.TryGetValue(out DateTimeOffset at) || at > now;
    }
}
