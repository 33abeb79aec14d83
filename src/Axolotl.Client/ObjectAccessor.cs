using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;

namespace Axolotl.Client;

/// <summary>Reads identity fields from typed objects and from JSON alike, and prepares request bodies.</summary>
internal static class ObjectAccessor
{
    public static (string? Namespace, string? Name) Identity(object value) => value switch
    {
        KubeObject o => (o.Metadata.Namespace, o.Metadata.Name),
        JsonObject j => (j["metadata"]?["namespace"]?.GetValue<string>(), j["metadata"]?["name"]?.GetValue<string>()),
        _ => throw new NotSupportedException($"{value.GetType().Name} is neither a KubeObject nor a JsonObject"),
    };

    /// <summary>The request body with apiVersion and kind filled in when the caller left them out.</summary>
    public static JsonObject ToBody<T>(T value, ResourceType resource)
        where T : class
    {
        var body = value is JsonObject json
            ? json.DeepClone().AsObject()
            : JsonSerializer.SerializeToNode(value, value.GetType(), KubeJson.Options)?.AsObject()
              ?? throw new InvalidOperationException("object serialized to null");
        body["apiVersion"] ??= resource.ApiVersion;
        body["kind"] ??= resource.Kind;
        return body;
    }

    /// <summary>List items usually arrive without apiVersion/kind; fill them so cached objects are self-describing.</summary>
    public static void FillTypeMeta(object item, ResourceType resource)
    {
        switch (item)
        {
            case KubeObject o:
                o.ApiVersion ??= resource.ApiVersion;
                o.Kind ??= resource.Kind;
                break;
            case JsonObject j:
                j["apiVersion"] ??= resource.ApiVersion;
                j["kind"] ??= resource.Kind;
                break;
        }
    }
}
