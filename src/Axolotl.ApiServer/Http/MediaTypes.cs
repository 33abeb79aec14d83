namespace Axolotl.ApiServer.Http;

public static class MediaTypes
{
    public const string Json = "application/json";
    public const string Yaml = "application/yaml";
    public const string Protobuf = "application/vnd.kubernetes.protobuf";
    public const string JsonPatch = "application/json-patch+json";
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string ApplyPatch = "application/apply-patch+yaml";
    public const string AggregatedDiscovery = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    /// <summary>The media type without parameters, lower-cased.</summary>
    public static string Essence(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return "";
        }
        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
    }

    /// <summary>True when the Accept header asks for a meta.k8s.io Table (kubectl get's human output).</summary>
    public static bool WantsTable(string? accept) =>
        accept is not null && accept.Contains("as=Table", StringComparison.Ordinal) && PrefersTableOverJson(accept);

    public static bool WantsAggregatedDiscovery(string? accept) =>
        accept is not null && accept.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal);

    // A client that lists Table first wants it; one that lists plain JSON first does not.
    private static bool PrefersTableOverJson(string accept)
    {
        foreach (var part in accept.Split(','))
        {
            var p = part.Trim();
            if (p.Contains("as=Table", StringComparison.Ordinal))
            {
                return true;
            }
            if (Essence(p) is Json or "*/*")
            {
                return false;
            }
        }
        return false;
    }
}
