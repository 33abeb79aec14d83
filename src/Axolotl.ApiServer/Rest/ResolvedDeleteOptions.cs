using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// A DELETE's meta/v1 DeleteOptions as the handler acts on them: read from the body or the query string,
/// with the propagation policy resolved (orphanDependents, the Background default) and a negative grace period as 0.
/// </summary>
public sealed record ResolvedDeleteOptions(string Propagation, long? GracePeriodSeconds, string? PreconditionUid, string? PreconditionResourceVersion, bool DryRun)
{
    private const string Kind = "DeleteOptions";

    public static async Task<ResolvedDeleteOptions> ReadAsync(RequestScope scope)
    {
        JsonObject? body = null;
        if (scope.Http.Request.ContentLength is > 0 || scope.Http.Request.Headers.TransferEncoding.Count > 0)
        {
            var bytes = await BodyReader.ReadBytesAsync(scope.Http);
            if (bytes.Length > 0)
            {
                // Typed clients (Helm's release storage, client-go's Delete) send the body as protobuf.
                body = BodyReader.ParseObject(scope.Http.Request.ContentType, bytes);
                CheckKind(body);
            }
        }
        return Resolve(body, scope);
    }

    /// <summary>
    /// Resolves DeleteOptions from a decoded body (a DELETE's, or an Eviction's deleteOptions) with the query
    /// string as the fallback. ignoreStoreReadErrorWithClusterBreakingPotential is accepted and not acted on,
    /// as upstream does while its AllowUnsafeMalformedObjectDeletion gate is off (the 1.32 default).
    /// </summary>
    public static ResolvedDeleteOptions Resolve(JsonObject? body, RequestScope scope)
    {
        var propagation = Str(body, "propagationPolicy") ?? scope.Query("propagationPolicy");
        var orphan = body?["orphanDependents"] is JsonValue o && o.TryGetValue(out bool ob) ? ob
            : scope.Bool("orphanDependents");
        if (string.IsNullOrEmpty(propagation))
        {
            propagation = orphan ? PropagationPolicy.Orphan : PropagationPolicy.Background;
        }
        if (propagation is not (PropagationPolicy.Background or PropagationPolicy.Foreground or PropagationPolicy.Orphan))
        {
            throw ApiErrors.Make(422, "Invalid", $"DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{propagation}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
        }
        long? grace = body?["gracePeriodSeconds"] is JsonValue g && g.TryGetValue(out long gl) ? gl
            : scope.Int64("gracePeriodSeconds");
        if (grace < 0)
        {
            grace = 0;
        }
        var preconditions = body?["preconditions"] as JsonObject;
        var dryRun = body?["dryRun"] is JsonArray { Count: > 0 } || scope.DryRun;
        return new ResolvedDeleteOptions(propagation, grace, Str(preconditions, "uid"), Str(preconditions, "resourceVersion"), dryRun);
    }

    /// <summary>Any group version's DeleteOptions will do (upstream registers it into each); another kind is a client mistake.</summary>
    private static void CheckKind(JsonObject body)
    {
        var kind = Str(body, "kind");
        if (!string.IsNullOrEmpty(kind) && kind != Kind)
        {
            throw ApiErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({Kind})");
        }
    }

    private static string? Str(JsonObject? obj, string key) => obj is null ? null : ObjectMetaRules.Str(obj, key);
}
