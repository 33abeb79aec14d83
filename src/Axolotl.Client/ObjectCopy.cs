using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Serialization;

namespace Axolotl.Client;

/// <summary>Deep copies through a JSON round trip, for changing an object that came from a shared cache.</summary>
public static class ObjectCopy
{
    /// <summary>Returns an independent copy: informer caches hand out shared instances that must never be mutated.</summary>
    public static T DeepCopy<T>(this T value)
        where T : class
    {
        if (value is JsonNode node)
        {
            return (T)(object)node.DeepClone();
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), KubeJson.Options);
        return (T)(JsonSerializer.Deserialize(bytes, value.GetType(), KubeJson.Options)
            ?? throw new InvalidOperationException("copy deserialized to null"));
    }
}
