using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Apiextensions.Conversion;

/// <summary>
/// The apiextensions.k8s.io ConversionReview exchange (upstream's createConversionReviewObjects and
/// getConvertedObjectsFromResponse): the request carries a uid, the desired apiVersion and the objects;
/// a v1 answer must be a v1 ConversionReview for the same uid whose result is Success (v1beta1 answers
/// were never checked for their kind or uid, and still are not).
/// </summary>
public static class ConversionReview
{
    public static JsonObject Request(string reviewVersion, string uid, string desiredApiVersion, IEnumerable<JsonObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/" + reviewVersion,
            ["kind"] = "ConversionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = uid,
                ["desiredAPIVersion"] = desiredApiVersion,
                ["objects"] = new JsonArray([.. objects.Select(o => (JsonNode?)o.DeepClone())]),
            },
        };
    }

    /// <summary>
    /// The response's convertedObjects (each still unchecked), or a <see cref="ConversionFailedException"/> saying
    /// "conversion webhook for <paramref name="gvk"/> failed: " and why.
    /// </summary>
    public static JsonArray ConvertedObjects(string gvk, string reviewVersion, string uid, byte[] body)
    {
        try
        {
            return Read(reviewVersion, uid, body);
        }
        catch (ConversionFailedException e)
        {
            throw new ConversionFailedException($"conversion webhook for {gvk} failed: {e.Message}");
        }
    }

    private static JsonArray Read(string reviewVersion, string uid, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var review = Decode(body);
        var response = review["response"] as JsonObject;
        if (reviewVersion == "v1")
        {
            var apiVersion = Text(review["apiVersion"]);
            var kind = Text(review["kind"]);
            if (apiVersion != "apiextensions.k8s.io/v1" || kind != "ConversionReview")
            {
                throw new ConversionFailedException($"expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got {GroupVersionKind(apiVersion, kind)}");
            }
            if (response is null)
            {
                throw new ConversionFailedException("no response provided");
            }
            if (Text(response["uid"]) != uid)
            {
                throw new ConversionFailedException($"expected response.uid=\"{uid}\", got \"{Text(response["uid"])}\"");
            }
        }
        else if (response is null)
        {
            throw new ConversionFailedException("no response provided");
        }
        var result = response["result"] as JsonObject;
        var status = Text(result?["status"]);
        if (status != "Success")
        {
            throw new ConversionFailedException(Text(result?["message"]) is { Length: > 0 } message ? message : $"response.result.status was '{status}', not 'Success'");
        }
        return response["convertedObjects"] as JsonArray ?? [];
    }

    /// <summary>What client-go's decoder says of a body that is not a JSON object.</summary>
    private static JsonObject Decode(byte[] body)
    {
        if (body.Length == 0)
        {
            throw new ConversionFailedException("0-length response with status code: 200 and content type: application/json");
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            var first = body.Select(b => (char)b).FirstOrDefault(c => !char.IsWhiteSpace(c));
            throw new ConversionFailedException($"couldn't get version/kind; json parse error: invalid character '{first}' looking for beginning of value");
        }
        if (node is null)
        {
            throw new ConversionFailedException("Object 'Kind' is missing in 'null'");
        }
        return node as JsonObject ?? throw new ConversionFailedException(
            $"couldn't get version/kind; json parse error: json: cannot unmarshal {(node is JsonArray ? "array" : node.GetValueKind() == JsonValueKind.String ? "string" : node.GetValueKind() == JsonValueKind.Number ? "number" : "bool")} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}");
    }

    /// <summary>schema.GroupVersionKind's String(): "group/version, Kind=kind".</summary>
    internal static string GroupVersionKind(string apiVersion, string kind) => $"{apiVersion}, Kind={kind}";

    internal static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : "";
}
