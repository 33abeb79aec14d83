using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>A reference by name to an object in the same namespace (imagePullSecrets, configMapRef, …).</summary>
public sealed class LocalObjectReference
{
    public string? Name { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
