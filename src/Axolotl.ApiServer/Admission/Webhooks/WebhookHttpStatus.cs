using System.Text;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// What a webhook's non-2xx answer becomes in the error, as client-go's REST client words it
/// (apimachinery's NewGenericServerResponse): a Status body's own message, else one sentence per code.
/// A redirect is such an answer: webhooks are never followed elsewhere.
/// </summary>
public static class WebhookHttpStatus
{
    public static string Describe(int code, byte[] body)
    {
        if (StatusMessage(body) is { } message)
        {
            return message;
        }
        var text = Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 1024)));
        return code switch
        {
            400 => "the server rejected our request for an unknown reason",
            401 => "the server has asked for the client to provide credentials",
            403 => "the server does not allow access to the requested resource",
            404 => "the server could not find the requested resource",
            405 => "the server does not allow this method on the requested resource",
            409 => "the server reported a conflict",
            422 => "the server rejected our request due to an error in our request",
            429 => "the server has received too many requests and has asked us to try again later",
            503 => "the server is currently unable to handle the request",
            504 => "the server was unable to return a response in the time allotted, but may still be processing the request",
            >= 500 => $"an error on the server ({GoValue.Quote(text.Length == 0 ? "unknown" : text)}) has prevented the request from succeeding",
            _ => $"the server responded with the status code {code} but did not return more information",
        };
    }

    private static string? StatusMessage(byte[] body)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(body) is System.Text.Json.Nodes.JsonObject { } obj &&
                   obj["kind"]?.GetValue<string>() == "Status" && obj["message"]?.GetValue<string>() is { Length: > 0 } message
                ? message
                : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
