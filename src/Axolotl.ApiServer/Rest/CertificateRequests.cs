using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// CertificateSigningRequest create: spec.username, uid, groups and extra come from the
/// authenticated requester, never from the body (upstream's strategy PrepareForCreate), and
/// status starts empty.
/// </summary>
public static class CertificateRequests
{
    public static void PrepareForCreate(RequestScope scope, JsonObject body)
    {
        if (scope.Type != KnownResources.CertificateSigningRequests)
        {
            return;
        }
        var spec = body["spec"] as JsonObject ?? [];
        body["spec"] = spec;
        var principal = RequestPrincipal.Get(scope.Http);
        spec.Remove("uid");
        spec.Remove("extra");
        spec["username"] = principal?.User ?? "system:anonymous";
        spec["groups"] = new JsonArray([.. (principal?.Groups ?? ["system:unauthenticated"]).Select(g => (JsonNode?)JsonValue.Create(g))]);
        body.Remove("status");
    }
}
