using System.Text.Json.Nodes;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Defaulting;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.Admission.Webhooks;

/// <summary>
/// Upstream's MutatingAdmissionWebhook, after every built-in mutating plugin: the matching webhooks are
/// asked one after another, each with the object as the ones before it left it, and their JSON patches
/// applied. Then, once, every webhook with reinvocationPolicy IfNeeded that a later webhook changed the
/// object after is asked again. The patched object is decoded and defaulted again before the kind's
/// validation, as upstream's is. Creates and updates only: a delete has no object to patch here, so
/// mutating webhooks are not called for deletes (upstream calls them and ignores nothing they could change).
/// </summary>
public sealed class MutatingAdmissionWebhook(WebhookConfigurationCache configurations, WebhookInvoker invoker) : IReplacingAdmissionPlugin
{
    public string Name => "MutatingAdmissionWebhook";

    public WebhookConfigurationCache Configurations { get; } = configurations;

    /// <summary>Any create or update while mutating webhooks are configured (which of them match is known only by asking the configuration).</summary>
    public bool Handles(AdmissionAttributes attributes) =>
        Configurations.Current.Mutating.Count > 0 && !Matching.AdmissionConfigurationResources.IsExempt(attributes.Type);

    public Task AdmitAsync(AdmissionAttributes attributes, KubeObject obj, CancellationToken ct) =>
        throw new InvalidOperationException("the admission chain calls AdmitReplacingAsync for this plugin");

    public async Task<KubeObject> AdmitReplacingAsync(AdmissionAttributes attributes, KubeObject obj, CancellationToken ct)
    {
        var hooks = Configurations.Current.Mutating;
        if (hooks.Count == 0 || Matching.AdmissionConfigurationResources.IsExempt(attributes.Type))
        {
            return obj;
        }
        var type = attributes.Type;
        var original = ToJson(type, obj);
        var json = original;
        var matching = await invoker.MatchingAsync(hooks, Matching.RequestFacts.From(attributes, json), ct);
        // For each webhook, how many changes had been made when it was last asked, to know whether one came after.
        var changes = 0;
        var askedAt = new int[matching.Count];
        for (var i = 0; i < matching.Count; i++)
        {
            askedAt[i] = changes;
            if (await CallAsync(matching[i], attributes, json, ct) is { } patched)
            {
                json = patched;
                changes++;
            }
        }
        for (var i = 0; i < matching.Count; i++)
        {
            if (matching[i].ReinvocationPolicy == "IfNeeded" && ChangedAfter(askedAt, i, changes, matching.Count))
            {
                if (await CallAsync(matching[i], attributes, json, ct) is { } patched)
                {
                    json = patched;
                }
            }
        }
        if (ReferenceEquals(json, original))
        {
            return obj;
        }
        return Decode(type, json, attributes.Warnings);
    }

    /// <summary>Whether a webhook asked after webhook <paramref name="index"/> changed the object.</summary>
    private static bool ChangedAfter(int[] askedAt, int index, int changes, int count)
    {
        // askedAt[index] counts the changes before it; its own change (if any) is the next one. Anything beyond that came later.
        var next = index + 1 < count ? askedAt[index + 1] : changes;
        return changes > next;
    }

    /// <summary>
    /// The object after <paramref name="hook"/>'s patch; null when it changed nothing, its matchConditions (judged on
    /// the object as the webhooks before it left it) skip it, or it could not be asked and is ignored.
    /// </summary>
    private async Task<JsonObject?> CallAsync(MutatingWebhook hook, AdmissionAttributes attributes, JsonObject json, CancellationToken ct)
    {
        if (!invoker.ConditionsMatch(hook, attributes, json))
        {
            return null;
        }
        var response = await invoker.CallAsync(hook, attributes, json, mutating: true, ct);
        if (response?.Patch is not { Count: > 0 } patch)
        {
            return null;
        }
        var patched = WebhookPatch.Apply(hook.Name, json, patch);
        return JsonNode.DeepEquals(patched, json) ? null : patched;
    }

    private static JsonObject ToJson(ResourceType type, KubeObject obj)
    {
        var json = KubeJson.ToNode(obj, type.ClrType);
        json["apiVersion"] = type.ApiVersion;
        json["kind"] = type.Kind;
        return json;
    }

    private static KubeObject Decode(ResourceType type, JsonObject json, ICollection<string> warnings)
    {
        KubeObject typed;
        try
        {
            // Fields the patch added that the kind does not have are dropped, as upstream's decoder drops them.
            typed = AdmissionChain.Decode(type, json, FieldValidationMode.Ignore, warnings);
        }
        catch (ApiException e)
        {
            throw ApiErrors.Internal(e.Status.Message ?? "the patched object does not decode");
        }
        ObjectDefaulter.Apply(typed);
        return typed;
    }
}
