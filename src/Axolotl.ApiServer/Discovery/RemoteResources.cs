using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Discovery;

/// <summary>
/// An aggregated API server's legacy APIResourceList entries as aggregated discovery's APIResourceDiscovery, as
/// kube-aggregator converts them: "plural" entries become resources, "plural/sub" entries their subresources, each
/// kind answered in the entry's own group/version when it names one.
/// </summary>
public static class RemoteResources
{
    public static JsonArray ToAggregated(string group, string version, JsonArray? resources)
    {
        var entries = (resources ?? []).OfType<JsonObject>().ToList();
        var result = new List<JsonObject>();
        var byName = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => !Name(e).Contains('/', StringComparison.Ordinal)))
        {
            var resource = new JsonObject
            {
                ["resource"] = Name(entry),
                ["responseKind"] = Kind(entry, group, version),
                ["scope"] = entry["namespaced"]?.GetValue<bool>() == true ? "Namespaced" : "Cluster",
                ["singularResource"] = entry["singularName"]?.GetValue<string>() ?? "",
                ["verbs"] = entry["verbs"]?.DeepClone() ?? new JsonArray(),
            };
            CopyIfPresent(entry, resource, "shortNames");
            CopyIfPresent(entry, resource, "categories");
            byName[Name(entry)] = resource;
            result.Add(resource);
        }
        foreach (var entry in entries.Where(e => Name(e).Contains('/', StringComparison.Ordinal)))
        {
            var slash = Name(entry).IndexOf('/', StringComparison.Ordinal);
            if (!byName.TryGetValue(Name(entry)[..slash], out var parent))
            {
                continue;
            }
            var subresources = parent["subresources"] as JsonArray ?? (JsonArray)(parent["subresources"] = new JsonArray());
            subresources.Add(new JsonObject
            {
                ["subresource"] = Name(entry)[(slash + 1)..],
                ["responseKind"] = Kind(entry, group, version),
                ["verbs"] = entry["verbs"]?.DeepClone() ?? new JsonArray(),
            });
        }
        return new JsonArray([.. result]);
    }

    private static string Name(JsonObject entry) => entry["name"]?.GetValue<string>() ?? "";

    private static JsonObject Kind(JsonObject entry, string group, string version) => new()
    {
        ["group"] = entry["group"]?.GetValue<string>() ?? group,
        ["version"] = entry["version"]?.GetValue<string>() ?? version,
        ["kind"] = entry["kind"]?.GetValue<string>() ?? "",
    };

    private static void CopyIfPresent(JsonObject from, JsonObject to, string field)
    {
        if (from[field] is JsonArray { Count: > 0 } values)
        {
            to[field] = values.DeepClone();
        }
    }
}
