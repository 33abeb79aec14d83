using System.Text.Json.Nodes;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Apiextensions.Schema;

/// <summary>
/// A CRD's spec.conversion: strategy None only relabels an object's apiVersion; strategy Webhook sends
/// objects to the webhook's clientConfig in a ConversionReview of the first version in
/// <see cref="ReviewVersions"/> this server speaks.
/// </summary>
public sealed record CustomResourceConversion(string Strategy, WebhookClientConfig? ClientConfig, IReadOnlyList<string> ReviewVersions)
{
    /// <summary>The ConversionReview versions this server sends (upstream's acceptedConversionReviewVersions, sorted).</summary>
    public static IReadOnlyList<string> AcceptedReviewVersions { get; } = ["v1", "v1beta1"];

    public static CustomResourceConversion None { get; } = new("None", null, []);

    public bool IsWebhook => Strategy == "Webhook";

    /// <summary>The ConversionReview version to send: the first of the CRD's list this server speaks, or null.</summary>
    public string? ReviewVersion => ReviewVersions.FirstOrDefault(AcceptedReviewVersions.Contains);

    public static CustomResourceConversion Parse(JsonObject? conversion)
    {
        if (conversion?["strategy"] is not JsonValue s || !s.TryGetValue(out string? strategy) || strategy != "Webhook")
        {
            return None;
        }
        var webhook = conversion["webhook"] as JsonObject;
        WebhookClientConfig? config = null;
        try
        {
            config = webhook?["clientConfig"] is JsonObject c ? KubeJson.FromNode<WebhookClientConfig>(c) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            // Validation refuses such a clientConfig; one stored before that check leaves the converter without a client.
        }
        var versions = webhook?["conversionReviewVersions"] is JsonArray a
            ? a.Select(v => v is JsonValue value && value.TryGetValue(out string? text) ? text : "").ToList()
            : [];
        return new CustomResourceConversion(strategy, config, versions);
    }
}
