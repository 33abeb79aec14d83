using System.Text.Json.Nodes;
using Axolotl.Api.Patch;
using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// Applies a mutating webhook's JSON patch to the object's JSON. A patch that does not apply is an
/// InternalError, as upstream's, and so is one that would change what the request is about (apiVersion,
/// kind, metadata.name, metadata.namespace): the handler already chose the key it writes under, and a
/// webhook must not redirect a write to another object.
/// </summary>
public static class WebhookPatch
{
    private static readonly string[][] Identity = [["apiVersion"], ["kind"], ["metadata", "name"], ["metadata", "namespace"]];

    public static JsonObject Apply(string webhookName, JsonObject obj, JsonArray patch)
    {
        JsonNode? patched;
        try
        {
            patched = JsonPatch.Apply(obj, patch);
        }
        catch (PatchException e)
        {
            throw ApiErrors.Internal(e.Message);
        }
        if (patched is not JsonObject result)
        {
            throw ApiErrors.Internal($"admission webhook \"{webhookName}\" returned a patch that does not leave an object");
        }
        foreach (var path in Identity)
        {
            var before = Get(obj, path);
            var after = Get(result, path);
            if (before != after)
            {
                throw ApiErrors.Internal($"admission webhook \"{webhookName}\" may not change {string.Join(".", path)} (from \"{before}\" to \"{after}\")");
            }
        }
        return result;
    }

    private static string Get(JsonObject obj, string[] path)
    {
        JsonNode? node = obj;
        foreach (var name in path)
        {
            node = (node as JsonObject)?[name];
        }
        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
    }
}
