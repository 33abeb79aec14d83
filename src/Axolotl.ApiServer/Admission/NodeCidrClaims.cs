using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// A Node may not claim a pod CIDR that overlaps another Node's. Every node routes each other node's
/// pod CIDR to that node, so a joined node that sets its spec.podCIDR to another's (a node may write
/// its own Node, and the field may go from "" to a value once) would draw that node's pod traffic.
/// The node IPAM controller never hands out an overlap; this check is for everyone else who writes the
/// field (an agent's --pod-cidr, a node acting on its own, an administrator), refused as invalid when
/// the claimed value is new on the object. Upstream leaves this to the allocator; a check against a
/// list is not a lock, so two creates racing for one subnet both pass, and the routers then keep the
/// older Node's claim (see Agent/Network/PeerFacts).
/// </summary>
public sealed class NodeCidrClaims(ObjectStore objects) : IValidatingAdmissionPlugin
{
    private static readonly FieldPath Cidrs = FieldPath.Of("spec", "podCIDRs");

    public string Name => "NodeCidrClaims";

    public Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct) =>
        attributes.Operation is AdmissionOperation.Create or AdmissionOperation.Update
            ? CheckAsync(attributes.Type, attributes.Subresource, attributes.Object!, attributes.OldObject, ct)
            : Task.CompletedTask;

    /// <summary>Throws 422 when <paramref name="admitted"/> claims a pod CIDR that <paramref name="current"/> did not and another Node overlaps.</summary>
    public async Task CheckAsync(ResourceType type, string? subresource, JsonObject admitted, JsonObject? current, CancellationToken ct)
    {
        if (type != KnownResources.Nodes || subresource is not null)
        {
            return;
        }
        var claimed = PodCidrs(admitted);
        if (claimed.Count == 0 || (current is not null && claimed.SequenceEqual(PodCidrs(current))))
        {
            return;
        }
        var name = Text(admitted["metadata"]?["name"]) ?? "";
        var errors = new List<FieldError>();
        var nodes = await objects.ListAsync(KnownResources.Nodes, null, 0, null, ct);
        foreach (var entry in nodes.Items)
        {
            // Read from the stored bytes without building the Node: a claim is checked against every Node, and a
            // thousand nodes claiming in turn would otherwise decode a million of them (status, images and all).
            var otherName = entry.Key[(entry.Key.LastIndexOf('/') + 1)..];
            if (otherName == name)
            {
                continue;
            }
            foreach (var held in StoredPodCidrs(entry.Value.Span))
            {
                for (var i = 0; i < claimed.Count; i++)
                {
                    if (NetRules.CidrsOverlap(claimed[i], held))
                    {
                        errors.Add(FieldError.Invalid(Cidrs.Index(i), claimed[i], $"overlaps pod CIDR {held} of node \"{otherName}\""));
                    }
                }
            }
        }
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(type, name, errors);
        }
    }

    /// <summary>spec.podCIDRs, or spec.podCIDR when the list is empty.</summary>
    public static List<string> PodCidrs(JsonObject node)
    {
        var list = (node["spec"]?["podCIDRs"] as JsonArray ?? []).Select(Text).OfType<string>().Where(c => c.Length > 0).ToList();
        if (list.Count == 0 && Text(node["spec"]?["podCIDR"]) is { Length: > 0 } single)
        {
            list.Add(single);
        }
        return list;
    }

    /// <summary><see cref="PodCidrs"/> of a stored Node's JSON, reading spec's two fields and skipping the rest.</summary>
    public static List<string> StoredPodCidrs(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        List<string> list = [];
        string? single = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return list;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isSpec = reader.ValueTextEquals("spec"u8);
            reader.Read();
            if (!isSpec || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("podCIDRs"u8) ? 2 : reader.ValueTextEquals("podCIDR"u8) ? 1 : 0;
                reader.Read();
                if (field == 2 && reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } cidr)
                        {
                            list.Add(cidr);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else if (field == 1 && reader.TokenType == JsonTokenType.String)
                {
                    single = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
            break;
        }
        if (list.Count == 0 && single is { Length: > 0 })
        {
            list.Add(single);
        }
        return list;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}
