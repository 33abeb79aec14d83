using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Meta;

public sealed class ObjectMeta
{
    public string? Name { get; set; }
    public string? GenerateName { get; set; }
    public string? Namespace { get; set; }
    public string? SelfLink { get; set; }
    public string? Uid { get; set; }
    public string? ResourceVersion { get; set; }
    public long? Generation { get; set; }
    public DateTimeOffset? CreationTimestamp { get; set; }
    public DateTimeOffset? DeletionTimestamp { get; set; }
    public long? DeletionGracePeriodSeconds { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    public Dictionary<string, string>? Annotations { get; set; }

    [PatchMergeKey("uid")]
    [PatchStrategy("merge")]
    public List<OwnerReference>? OwnerReferences { get; set; }

    [PatchStrategy("merge")]
    public List<string>? Finalizers { get; set; }

    public JsonElement? ManagedFields { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
