using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Axolotl.Testing;

/// <summary>
/// Answers for a CRD conversion webhook served by <see cref="TestWebhookServer"/>: a ConversionReview v1
/// response that converts each object with <c>convert</c>, and the sample conversion the tests use
/// (v1 spec.host + spec.port, v2 spec.hostPort "host:port").
/// </summary>
public static class TestConversionWebhook
{
    public static Task Convert(HttpContext ctx, JsonObject review, Func<JsonObject, string, JsonObject> convert)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(review);
        var request = review["request"]!;
        var desired = request["desiredAPIVersion"]!.GetValue<string>();
        var converted = new JsonArray([.. request["objects"]!.AsArray().Select(o => (JsonNode?)convert(o!.AsObject(), desired))]);
        return Answer(ctx, review, new JsonObject
        {
            ["uid"] = request["uid"]!.GetValue<string>(),
            ["result"] = new JsonObject { ["status"] = "Success" },
            ["convertedObjects"] = converted,
        });
    }

    public static Task Answer(HttpContext ctx, JsonObject review, JsonObject response)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(review);
        ctx.Response.ContentType = "application/json";
        var body = new JsonObject { ["apiVersion"] = review["apiVersion"]!.GetValue<string>(), ["kind"] = "ConversionReview", ["response"] = response };
        return ctx.Response.WriteAsync(body.ToJsonString(), ctx.RequestAborted);
    }

    /// <summary>v1 (host, port) to v2 (hostPort) and back, by the version asked for; other fields and metadata as they are.</summary>
    public static JsonObject HostPort(JsonObject obj, string desiredApiVersion)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(desiredApiVersion);
        var copy = (JsonObject)obj.DeepClone();
        var spec = copy["spec"] as JsonObject ?? [];
        if (desiredApiVersion.EndsWith("/v2", StringComparison.Ordinal) && spec["host"] is not null)
        {
            spec["hostPort"] = $"{spec["host"]}:{spec["port"]}";
            spec.Remove("host");
            spec.Remove("port");
        }
        else if (desiredApiVersion.EndsWith("/v1", StringComparison.Ordinal) && spec["hostPort"]?.GetValue<string>() is { } hostPort)
        {
            var colon = hostPort.LastIndexOf(':');
            spec["host"] = hostPort[..colon];
            spec["port"] = int.Parse(hostPort[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            spec.Remove("hostPort");
        }
        copy["apiVersion"] = desiredApiVersion;
        return copy;
    }
}
