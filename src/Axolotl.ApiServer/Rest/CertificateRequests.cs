using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// CertificateSigningRequest create and update rules (upstream's csrStrategy and its status and approval
/// strategies). On create, spec.username, uid, groups and extra come from the authenticated requester,
/// never from the body, and status starts empty. After create the spec never changes: every write keeps
/// the stored one, whatever the body says (upstream copies the old spec over the new one, so a change is
/// dropped rather than refused). Otherwise a writer could turn a pending request into another
/// requester's, or point it at another signer, and have it approved as that. Approval conditions move
/// only through the approval subresource; a status write keeps the stored Approved and Denied conditions.
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

    /// <summary>
    /// Puts the stored spec back on <paramref name="merged"/> (the object a write of <paramref name="subresource"/>
    /// would store) and, for a status write, the stored Approved and Denied conditions in place of any the body has.
    /// </summary>
    public static void PrepareForUpdate(ResourceType type, string? subresource, JsonObject current, JsonObject merged)
    {
        if (type != KnownResources.CertificateSigningRequests)
        {
            return;
        }
        if (current["spec"] is { } spec)
        {
            merged["spec"] = spec.DeepClone();
        }
        else
        {
            merged.Remove("spec");
        }
        if (subresource == "status" && merged["status"] is JsonObject status)
        {
            status["conditions"] = KeepDecisions(current["status"]?["conditions"] as JsonArray, status["conditions"] as JsonArray);
        }
    }

    /// <summary>The new conditions without Approved or Denied ones, then the stored Approved and Denied ones (upstream's preserveConditionInstances).</summary>
    private static JsonArray? KeepDecisions(JsonArray? stored, JsonArray? proposed)
    {
        static bool IsDecision(JsonNode? condition) => condition?["type"]?.GetValueKind() == System.Text.Json.JsonValueKind.String &&
            condition["type"]!.GetValue<string>() is "Approved" or "Denied";
        var kept = (proposed ?? []).Where(c => !IsDecision(c)).Select(c => c?.DeepClone()).ToList();
        var decisions = (stored ?? []).Where(IsDecision).Select(c => c?.DeepClone()).ToList();
        if (proposed is null && decisions.Count == 0)
        {
            return null;
        }
        // Upstream keeps each decision at its own position; the stored ones go first here, which reads the same.
        return [.. decisions, .. kept];
    }
}
