using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;

namespace Axolotl.Controllers.Deployments;

/// <summary>
/// The pod-template-hash (upstream controller.ComputeHash): FNV-1a (32 bit) over the template, plus
/// the collision count when there is one, printed in decimal and then passed through rand's
/// SafeEncodeString, so names look like upstream's (web-7c5ddbdf54). Upstream hashes Go's printout of
/// the struct; we hash the canonical JSON (keys sorted, empty values dropped), so the value
/// differs from a real cluster's for the same template but is just as stable.
/// </summary>
public static class PodTemplateHash
{
    // rand.SafeEncodeString's alphabet: no vowels (no words) and no 0/1/3 (no look-alikes).
    private const string Alphanums = "bcdfghjklmnpqrstvwxz2456789";
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    public static string Compute(PodTemplateSpec template, int? collisionCount)
    {
        var hash = OffsetBasis;
        foreach (var b in Encoding.UTF8.GetBytes(Canonical(template).ToJsonString()))
        {
            hash = (hash ^ b) * Prime;
        }
        if (collisionCount is { } count)
        {
            // Upstream writes the count as four little-endian bytes after the object.
            foreach (var b in BitConverter.GetBytes((uint)count).AsSpan())
            {
                hash = (hash ^ b) * Prime;
            }
        }
        return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Maps each character onto the alphabet by its code point, as upstream's SafeEncodeString.</summary>
    public static string SafeEncode(string text) => string.Concat(text.Select(c => Alphanums[c % Alphanums.Length]));

    /// <summary>
    /// Upstream EqualIgnoreHash: the templates are the same apart from the pod-template-hash label. Empty
    /// lists, maps and objects equal missing ones, as they do for Go's semantic equality on the wire.
    /// </summary>
    public static bool EqualIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) =>
        JsonNode.DeepEquals(WithoutHash(a), WithoutHash(b));

    private static JsonNode WithoutHash(PodTemplateSpec template)
    {
        var node = KubeJson.ToNode(template);
        (node["metadata"]?["labels"] as JsonObject)?.Remove(DeploymentAnnotations.PodTemplateHashLabel);
        return Normalize(node)!;
    }

    private static JsonObject Canonical(PodTemplateSpec template) =>
        (JsonObject)Normalize(KubeJson.ToNode(template))!;

    /// <summary>
    /// Keys sorted (ordinally); nulls, empty arrays and empty objects dropped, recursively. Go clients
    /// write empty structs ("resources": {}) and null times that a Go reader cannot tell from absent
    /// ones: kubectl rollout undo sends them back in the template it restores.
    /// </summary>
    private static JsonNode? Normalize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (Normalize(value) is { } normalized && normalized is not (JsonArray { Count: 0 } or JsonObject { Count: 0 }))
                    {
                        result[key] = normalized;
                    }
                }
                return result;
            case JsonArray array:
                return new JsonArray(array.Select(item => Normalize(item) ?? new JsonObject()).ToArray());
            case null:
                return null;
            default:
                return node.DeepClone();
        }
    }
}
