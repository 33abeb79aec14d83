using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// A webhook's answer, checked as upstream's VerifyAdmissionResponse checks it: a response with the
/// request's uid, in the AdmissionReview version sent; patch and patchType together, and from a mutating
/// webhook only. Anything else is a <see cref="WebhookCallException"/> ("received invalid webhook response").
/// </summary>
public sealed record AdmissionReviewResponse(bool Allowed, JsonObject? Result, JsonArray? Patch, IReadOnlyList<string> Warnings)
{
    public static AdmissionReviewResponse Parse(string webhookName, string apiVersion, string uid, bool mutating, byte[] body)
    {
        JsonObject review;
        try
        {
            review = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("the body is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new WebhookCallException(webhookName, $"failed to call webhook: couldn't get version/kind; json parse error: {e.Message}");
        }
        var response = review["response"] as JsonObject ?? throw Invalid(webhookName, "webhook response was absent");
        var responseUid = Str(response["uid"]) ?? "";
        if (responseUid != uid)
        {
            throw Invalid(webhookName, $"expected response.uid=\"{uid}\", got \"{responseUid}\"");
        }
        var expected = $"admission.k8s.io/{apiVersion}";
        var gotVersion = Str(review["apiVersion"]) ?? "";
        var gotKind = Str(review["kind"]) ?? "";
        if (gotVersion != expected || gotKind != "AdmissionReview")
        {
            throw Invalid(webhookName, $"expected webhook response of {expected}, Kind=AdmissionReview, got {(gotVersion.Length == 0 ? "/" : gotVersion)}, Kind={gotKind}");
        }
        var patchText = Str(response["patch"]) ?? "";
        var patchType = Str(response["patchType"]) ?? "";
        if (mutating && patchText.Length > 0 && patchType.Length == 0)
        {
            throw Invalid(webhookName, "webhook returned response.patch but not response.patchType");
        }
        if (mutating && patchText.Length == 0 && patchType.Length > 0)
        {
            throw Invalid(webhookName, "webhook returned response.patchType but not response.patch");
        }
        if (!mutating && patchType.Length > 0)
        {
            throw Invalid(webhookName, "validating webhook may not return response.patchType");
        }
        var allowed = response["allowed"] is JsonValue a && a.TryGetValue<bool>(out var b) && b;
        JsonArray? patch = null;
        if (mutating && allowed && patchText.Length > 0)
        {
            if (patchType != "JSONPatch")
            {
                throw new WebhookCallException(webhookName, $"unsupported patch type \"{patchType}\"");
            }
            patch = DecodePatch(patchText);
        }
        var warnings = (response["warnings"] as JsonArray ?? []).Select(Str).OfType<string>().ToList();
        return new AdmissionReviewResponse(allowed, response["status"] as JsonObject, patch, warnings);
    }

    private static JsonArray DecodePatch(string base64)
    {
        try
        {
            return JsonNode.Parse(Convert.FromBase64String(base64)) as JsonArray
                ?? throw Errors.ApiErrors.Internal("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw Errors.ApiErrors.Internal(e.Message);
        }
    }

    private static WebhookCallException Invalid(string webhookName, string problem) =>
        new(webhookName, "received invalid webhook response: " + problem);

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
