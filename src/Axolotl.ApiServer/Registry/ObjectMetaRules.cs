using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.Registry;

/// <summary>The bookkeeping the server owns in metadata (uid, timestamps, generation) and per-kind create/update rules.</summary>
public static class ObjectMetaRules
{
    // upstream's generateName alphabet: no vowels, no look-alike digits.
    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static JsonObject Meta(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject meta)
        {
            return meta;
        }
        meta = [];
        obj["metadata"] = meta;
        return meta;
    }

    public static string? Str(JsonObject obj, string name) => obj[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>Checks apiVersion/kind against the URL's resource, filling them in when absent.</summary>
    public static void CheckTypeMeta(ResourceType type, JsonObject obj, string expectedKind)
    {
        var apiVersion = Str(obj, "apiVersion");
        var kind = Str(obj, "kind");
        if (!string.IsNullOrEmpty(kind) && kind != expectedKind)
        {
            throw ApiErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({expectedKind})");
        }
        var expectedVersion = expectedKind == type.Kind ? type.ApiVersion : apiVersion;
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != expectedVersion)
        {
            throw ApiErrors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({expectedVersion})");
        }
        obj["apiVersion"] = expectedVersion;
        obj["kind"] = expectedKind;
    }

    /// <summary>Namespace from the URL; a body naming another namespace is a client mistake.</summary>
    public static void CheckNamespace(ResourceType type, JsonObject meta, string? urlNamespace)
    {
        if (!type.Namespaced)
        {
            meta.Remove("namespace");
            return;
        }
        var bodyNs = Str(meta, "namespace");
        if (!string.IsNullOrEmpty(bodyNs) && bodyNs != urlNamespace)
        {
            throw ApiErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        meta["namespace"] = urlNamespace;
    }

    public static void PrepareForCreate(ResourceType type, JsonObject obj, DateTimeOffset now)
    {
        var meta = Meta(obj);
        if (!string.IsNullOrEmpty(Str(meta, "resourceVersion")))
        {
            throw ApiErrors.BadRequest("resourceVersion should not be set on objects to be created");
        }
        if (string.IsNullOrEmpty(Str(meta, "name")) && Str(meta, "generateName") is { Length: > 0 } prefix)
        {
            meta["name"] = GenerateName(prefix);
        }
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = KubeTimeConverter.Format(now);
        if (TracksGeneration(type))
        {
            meta["generation"] = 1;
        }
        else
        {
            meta.Remove("generation");
        }
        meta.Remove("deletionTimestamp");
        meta.Remove("deletionGracePeriodSeconds");
        meta.Remove("selfLink");
        ResetStatusOnCreate(type, obj, now);
    }

    /// <summary>
    /// Carries over what a client may not change (uid, creation and deletion stamps) and bumps
    /// generation when anything outside metadata and status changed.
    /// </summary>
    public static void PrepareForUpdate(JsonObject updated, JsonObject current)
    {
        var meta = Meta(updated);
        var old = Meta(current);
        foreach (var key in (string[])["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"])
        {
            if (old[key] is { } value)
            {
                meta[key] = value.DeepClone();
            }
            else
            {
                meta.Remove(key);
            }
        }
        meta.Remove("selfLink");
        // A request never sets generation; only the kinds whose strategy tracks it have one.
        if (old["generation"] is JsonValue g && g.TryGetValue(out long generation))
        {
            meta["generation"] = SpecChanged(updated, current) ? generation + 1 : generation;
        }
        else
        {
            meta.Remove("generation");
        }
    }

    /// <summary>
    /// The kinds whose upstream strategy sets metadata.generation (1 on create, +1 when the spec
    /// changes): those with an observedGeneration to report. ConfigMaps, Secrets, Services, Pods
    /// (until 1.33), Namespaces and the rest have none. Custom resources always track it.
    /// </summary>
    public static bool TracksGeneration(ResourceType type) => type.IsCustom || (type.Group, type.Kind) is
        ("", "ReplicationController") or
        ("apps", "Deployment" or "ReplicaSet" or "DaemonSet" or "StatefulSet") or
        ("batch", "Job" or "CronJob") or
        ("policy", "PodDisruptionBudget") or
        ("discovery.k8s.io", "EndpointSlice") or
        ("autoscaling", "HorizontalPodAutoscaler") or
        ("networking.k8s.io", "Ingress" or "NetworkPolicy") or
        ("flowcontrol.apiserver.k8s.io", "FlowSchema" or "PriorityLevelConfiguration") or
        ("apiextensions.k8s.io", "CustomResourceDefinition");

    public static bool HasFinalizers(JsonObject obj) => Meta(obj)["finalizers"] is JsonArray { Count: > 0 };

    public static bool IsDeleting(JsonObject obj) => Meta(obj)["deletionTimestamp"] is not null;

    private static bool SpecChanged(JsonObject updated, JsonObject current)
    {
        foreach (var (key, value) in updated)
        {
            if (key is "metadata" or "status" or "apiVersion" or "kind")
            {
                continue;
            }
            if (!JsonNode.DeepEquals(value, current[key]))
            {
                return true;
            }
        }
        return current.Any(p => p.Key is not ("metadata" or "status" or "apiVersion" or "kind") && !updated.ContainsKey(p.Key));
    }

    private static void ResetStatusOnCreate(ResourceType type, JsonObject obj, DateTimeOffset now)
    {
        if (type.Group == APIService.Group && type.Kind == nameof(APIService))
        {
            // Upstream's strategy: a Local APIService is available from its creation; one with a service
            // waits for the availability controller.
            obj.Remove("status");
            if ((obj["spec"] as JsonObject)?["service"] is null or JsonValue)
            {
                var condition = APIServiceCondition.LocalAvailable(now);
                obj["status"] = new JsonObject
                {
                    ["conditions"] = new JsonArray(new JsonObject
                    {
                        ["type"] = condition.Type,
                        ["status"] = condition.Status,
                        ["lastTransitionTime"] = KubeTimeConverter.Format(now),
                        ["reason"] = condition.Reason,
                        ["message"] = condition.Message,
                    }),
                };
            }
            return;
        }
        switch (type.Kind)
        {
            case "Pod":
                obj["status"] = new JsonObject { ["phase"] = "Pending" };
                break;
            case "Namespace":
                break; // ObjectDefaulter.PrepareForCreate adds the finalizer and phase
            case "Node":
                break; // a node registers with its status
            default:
                if (type.HasSubresource("status"))
                {
                    obj.Remove("status");
                }
                break;
        }
    }

    private static string GenerateName(string prefix)
    {
        // upstream truncates the prefix so that the name stays within 63 characters.
        if (prefix.Length > 58)
        {
            prefix = prefix[..58];
        }
        Span<char> suffix = stackalloc char[5];
        for (var i = 0; i < suffix.Length; i++)
        {
            suffix[i] = NameAlphabet[RandomNumberGenerator.GetInt32(NameAlphabet.Length)];
        }
        return prefix + new string(suffix);
    }
}
