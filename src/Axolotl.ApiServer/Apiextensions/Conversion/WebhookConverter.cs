using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.ApiServer.Admission.Webhooks;
using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.Apiextensions.Conversion;

/// <summary>
/// Strategy Webhook (upstream's webhookConverter): the objects not yet at the desired version go to the
/// CRD's webhook in one ConversionReview, through the admission webhooks' client (caBundle, Service
/// endpoints, no redirects), within 30 seconds as upstream's webhook client. An answer that cannot be
/// used fails the request with upstream's message, as a 500 without a reason (upstream's error is no
/// Status, which kube-apiserver serves so).
/// </summary>
public sealed class WebhookConverter(WebhookClient client, string definitionName, CustomResourceConversion conversion) : ICustomResourceConverter
{
    /// <summary>Upstream's webhook client manager gives every webhook client this timeout.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async Task<JsonObject> ConvertAsync(JsonObject obj, string desiredApiVersion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (ConversionReview.Text(obj["apiVersion"]) == desiredApiVersion || IsEmpty(obj))
        {
            return CustomResourceVersions.Relabel(obj, desiredApiVersion);
        }
        var gvk = ConversionReview.GroupVersionKind(ConversionReview.Text(obj["apiVersion"]), ConversionReview.Text(obj["kind"]));
        var converted = await CallAsync(gvk, [obj], desiredApiVersion, ct);
        return Checked(() => ConvertedObjects.CheckOne(gvk, obj, converted, desiredApiVersion));
    }

    public async Task<IReadOnlyList<JsonObject>> ConvertListAsync(IReadOnlyList<JsonObject> items, string desiredApiVersion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        var send = items.Where(o => ConversionReview.Text(o["apiVersion"]) != desiredApiVersion).ToList();
        if (send.Count == 0)
        {
            return items;
        }
        // The list's own kind and version name it in errors, as upstream's UnstructuredList does.
        var gvk = ConversionReview.GroupVersionKind(ConversionReview.Text(send[0]["apiVersion"]), ConversionReview.Text(send[0]["kind"]) + "List");
        var converted = await CallAsync(gvk, send, desiredApiVersion, ct);
        var checkedItems = Checked(() => ConvertedObjects.CheckList(gvk, send, converted, desiredApiVersion));
        var next = 0;
        return [.. items.Select(o => ConversionReview.Text(o["apiVersion"]) == desiredApiVersion ? o : checkedItems[next++])];
    }

    private async Task<JsonArray> CallAsync(string gvk, IReadOnlyList<JsonObject> objects, string desiredApiVersion, CancellationToken ct)
    {
        // Validation refuses a list without a version this server speaks; one stored before that check fails here, as upstream's does.
        var version = conversion.ReviewVersion ?? throw Failed($"conversion webhook for {gvk} failed: no supported conversion review versions");
        var uid = Guid.NewGuid().ToString();
        var request = ConversionReview.Request(version, uid, desiredApiVersion, objects);
        byte[] body;
        try
        {
            body = await client.PostAsync($"conversion_webhook_for_{definitionName}", conversion.ClientConfig, Timeout, request, ct);
        }
        catch (WebhookCallException e)
        {
            throw Failed($"conversion webhook for {gvk} failed: {e.Cause}");
        }
        return Checked(() => ConversionReview.ConvertedObjects(gvk, version, uid, body));
    }

    private static T Checked<T>(Func<T> check)
    {
        try
        {
            return check();
        }
        catch (ConversionFailedException e)
        {
            throw Failed(e.Message);
        }
    }

    /// <summary>An object with nothing but apiVersion and kind is converted without asking (upstream's special case for the watch cache's probe).</summary>
    private static bool IsEmpty(JsonObject obj) => obj.Count == 2 && obj.ContainsKey("apiVersion") && obj.ContainsKey("kind");

    private static ApiException Failed(string message) => ApiErrors.Unclassified(message);
}
