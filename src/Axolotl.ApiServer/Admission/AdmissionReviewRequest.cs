using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// The AdmissionReview a webhook is sent (admission.k8s.io/v1, or v1beta1 for a webhook that only
/// speaks that; the request is the same shape). requestKind/requestResource equal kind/resource: each
/// resource here is matched in the version it was asked for.
/// </summary>
public static class AdmissionReviewRequest
{
    public static JsonObject Build(string apiVersion, string uid, AdmissionAttributes attributes, JsonObject? obj)
    {
        var type = attributes.Type;
        var (kindGroup, kindVersion, kind) = KindOf(attributes);
        var resource = new JsonObject { ["group"] = type.Group, ["version"] = type.Version, ["resource"] = type.Plural };
        var kindNode = new JsonObject { ["group"] = kindGroup, ["version"] = kindVersion, ["kind"] = kind };
        var request = new JsonObject
        {
            ["uid"] = uid,
            ["kind"] = kindNode,
            ["resource"] = resource,
        };
        if (attributes.Subresource is { Length: > 0 } subresource)
        {
            request["subResource"] = subresource;
        }
        request["requestKind"] = kindNode.DeepClone();
        request["requestResource"] = resource.DeepClone();
        if (attributes.Subresource is { Length: > 0 } requestSubresource)
        {
            request["requestSubResource"] = requestSubresource;
        }
        if (NameOf(attributes, obj) is { Length: > 0 } name)
        {
            request["name"] = name;
        }
        if (attributes.Namespace is { Length: > 0 } ns)
        {
            request["namespace"] = ns;
        }
        request["operation"] = OperationName(attributes.Operation);
        request["userInfo"] = UserInfo(attributes.User);
        request["object"] = obj?.DeepClone();
        request["oldObject"] = attributes.OldObject?.DeepClone();
        request["dryRun"] = attributes.DryRun;
        request["options"] = Options(attributes);
        return new JsonObject
        {
            ["kind"] = "AdmissionReview",
            ["apiVersion"] = "admission.k8s.io/" + apiVersion,
            ["request"] = request,
        };
    }

    /// <summary>
    /// The <c>request</c> variable of admission CEL (matchConditions, ValidatingAdmissionPolicy): upstream's
    /// AdmissionRequest without its uid, object and oldObject (those are variables of their own).
    /// </summary>
    public static JsonObject ForCel(AdmissionAttributes attributes, JsonObject? obj)
    {
        var request = (JsonObject)Build("v1", "", attributes, null)["request"]!;
        request.Remove("uid");
        request.Remove("object");
        request.Remove("oldObject");
        if (attributes.Name.Length == 0 && NameOf(attributes, obj) is { Length: > 0 } name)
        {
            request["name"] = name;
        }
        return request;
    }

    /// <summary>The request's name; a create's is known from its object before the handler records it (generateName aside).</summary>
    public static string NameOf(AdmissionAttributes attributes, JsonObject? obj) =>
        attributes.Name.Length > 0 ? attributes.Name
        : obj?["metadata"]?["name"] is JsonValue v && v.TryGetValue<string>(out var name) ? name : "";

    public static string OperationName(AdmissionOperation operation) => operation switch
    {
        AdmissionOperation.Create => "CREATE",
        AdmissionOperation.Update => "UPDATE",
        AdmissionOperation.Delete => "DELETE",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };

    /// <summary>The kind of the object sent: an eviction sends an Eviction, every other request the resource's own kind.</summary>
    private static (string Group, string Version, string Kind) KindOf(AdmissionAttributes attributes)
    {
        if (attributes.Subresource is { Length: > 0 } sub && attributes.Type.Subresources.FirstOrDefault(s => s.Name == sub) is { Kind: "Eviction" } eviction)
        {
            return (eviction.Group, eviction.Version, eviction.Kind);
        }
        return (attributes.Type.Group, attributes.Type.Version, attributes.Type.Kind);
    }

    private static JsonObject UserInfo(Principal? user)
    {
        var info = new JsonObject();
        if (user is null)
        {
            return info;
        }
        info["username"] = user.User;
        if (user.Uid is { Length: > 0 } uid)
        {
            info["uid"] = uid;
        }
        if (user.Groups.Count > 0)
        {
            info["groups"] = new JsonArray([.. user.Groups.Select(g => (JsonNode?)g)]);
        }
        if (user.Extra is { Count: > 0 } extra)
        {
            var node = new JsonObject();
            foreach (var (key, values) in extra)
            {
                node[key] = new JsonArray([.. values.Select(v => (JsonNode?)v)]);
            }
            info["extra"] = node;
        }
        return info;
    }

    /// <summary>The request's options as upstream sends them (CreateOptions, UpdateOptions, DeleteOptions); only dryRun is known here.</summary>
    private static JsonObject Options(AdmissionAttributes attributes)
    {
        var kind = attributes.Operation switch
        {
            AdmissionOperation.Create => "CreateOptions",
            AdmissionOperation.Update => "UpdateOptions",
            _ => "DeleteOptions",
        };
        var options = new JsonObject { ["kind"] = kind, ["apiVersion"] = "meta.k8s.io/v1" };
        if (attributes.DryRun)
        {
            options["dryRun"] = new JsonArray("All");
        }
        return options;
    }
}
