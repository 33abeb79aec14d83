using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>core/v1 ObjectReference: enough to find an object, or a field inside one.</summary>
[Description("A reference to an object by kind, namespace, name and (optionally) uid and field path.")]
public sealed class ObjectReference
{
    public string? Kind { get; set; }

    public string? Namespace { get; set; }

    public string? Name { get; set; }

    public string? Uid { get; set; }

    public string? ApiVersion { get; set; }

    public string? ResourceVersion { get; set; }

    public string? FieldPath { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
