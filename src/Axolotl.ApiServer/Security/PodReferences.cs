using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// The objects a pod needs from the API to run, in its own namespace, as upstream's node authorizer
/// graph records them: Secrets (image pull secrets, env, envFrom, secret/projected volumes and the
/// volume plugins' secretRefs), ConfigMaps (env, envFrom, configMap/projected volumes),
/// PersistentVolumeClaims (claims and generic ephemeral volumes) and its ServiceAccount.
/// Pure: works on the stored JSON, so a malformed field is skipped, never thrown on.
/// </summary>
public static class PodReferences
{
    /// <summary>True when <paramref name="pod"/> references the object <paramref name="resource"/>/<paramref name="name"/>.</summary>
    public static bool References(JsonObject pod, string resource, string name) => resource switch
    {
        "secrets" => Secrets(pod).Contains(name),
        "configmaps" => ConfigMaps(pod).Contains(name),
        "persistentvolumeclaims" => Claims(pod).Contains(name),
        "serviceaccounts" => ServiceAccount(pod) == name,
        _ => false,
    };

    public static HashSet<string> Secrets(JsonObject pod)
    {
        var spec = pod["spec"] as JsonObject ?? [];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in Objects(spec["imagePullSecrets"]))
        {
            Add(names, entry["name"]);
        }
        foreach (var container in Containers(spec))
        {
            foreach (var env in Objects(container["env"]))
            {
                Add(names, env["valueFrom"]?["secretKeyRef"]?["name"]);
            }
            foreach (var source in Objects(container["envFrom"]))
            {
                Add(names, source["secretRef"]?["name"]);
            }
        }
        foreach (var volume in Objects(spec["volumes"]))
        {
            Add(names, volume["secret"]?["secretName"]);
            foreach (var source in Objects(volume["projected"]?["sources"]))
            {
                Add(names, source["secret"]?["name"]);
            }
            Add(names, volume["azureFile"]?["secretName"]);
            Add(names, volume["csi"]?["nodePublishSecretRef"]?["name"]);
            foreach (var plugin in (string[])["cephfs", "cinder", "flexVolume", "iscsi", "rbd", "scaleIO", "storageos"])
            {
                Add(names, volume[plugin]?["secretRef"]?["name"]);
            }
        }
        return names;
    }

    public static HashSet<string> ConfigMaps(JsonObject pod)
    {
        var spec = pod["spec"] as JsonObject ?? [];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in Containers(spec))
        {
            foreach (var env in Objects(container["env"]))
            {
                Add(names, env["valueFrom"]?["configMapKeyRef"]?["name"]);
            }
            foreach (var source in Objects(container["envFrom"]))
            {
                Add(names, source["configMapRef"]?["name"]);
            }
        }
        foreach (var volume in Objects(spec["volumes"]))
        {
            Add(names, volume["configMap"]?["name"]);
            foreach (var source in Objects(volume["projected"]?["sources"]))
            {
                Add(names, source["configMap"]?["name"]);
            }
        }
        return names;
    }

    public static HashSet<string> Claims(JsonObject pod)
    {
        var spec = pod["spec"] as JsonObject ?? [];
        var podName = Text(pod["metadata"]?["name"]);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var volume in Objects(spec["volumes"]))
        {
            Add(names, volume["persistentVolumeClaim"]?["claimName"]);
            // A generic ephemeral volume's claim is named POD-VOLUME.
            if (volume["ephemeral"] is JsonObject && podName is not null && Text(volume["name"]) is { } volumeName)
            {
                names.Add($"{podName}-{volumeName}");
            }
        }
        return names;
    }

    /// <summary>spec.serviceAccountName, "default" when unset (as the ServiceAccount admission defaults it).</summary>
    public static string ServiceAccount(JsonObject pod) =>
        Text(pod["spec"]?["serviceAccountName"]) is { Length: > 0 } name ? name : Text(pod["spec"]?["serviceAccount"]) is { Length: > 0 } legacy ? legacy : "default";

    private static IEnumerable<JsonObject> Containers(JsonObject spec) =>
        Objects(spec["containers"]).Concat(Objects(spec["initContainers"])).Concat(Objects(spec["ephemeralContainers"]));

    private static IEnumerable<JsonObject> Objects(JsonNode? node) => (node as JsonArray ?? []).OfType<JsonObject>();

    private static void Add(HashSet<string> names, JsonNode? node)
    {
        if (Text(node) is { Length: > 0 } name)
        {
            names.Add(name);
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}
