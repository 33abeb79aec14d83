using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// A create or update between its two admission steps (<see cref="AdmissionChain.Default"/>, then
/// <see cref="AdmissionChain.MutateAsync"/>): decoded and defaulted, not yet seen by any mutating plugin. This is
/// the object kube-apiserver's field manager records a write on, so fields a plugin adds belong to nobody.
/// </summary>
public sealed class DefaultedObject
{
    private readonly ResourceType _type;
    private JsonObject? _json;
    private bool _mutating;

    internal DefaultedObject(ResourceType type, KubeObject typed, KubeObject? old)
    {
        _type = type;
        Typed = typed;
        Old = old;
    }

    /// <summary>The typed object; the chain's mutating plugins change it (or, a webhook, replace it).</summary>
    internal KubeObject Typed { get; set; }

    /// <summary>The stored object an update changes, decoded; null for a create.</summary>
    internal KubeObject? Old { get; }

    /// <summary>
    /// The defaulted object as JSON, without managedFields: what the field manager compares with the live object.
    /// Encoded on first use; a write whose managedFields come from an apply never needs it.
    /// </summary>
    public JsonObject Json => _json ??= _mutating
        ? throw new InvalidOperationException("the defaulted object is gone once mutating admission began")
        : Encode();

    /// <summary>
    /// The managedFields the object carries into mutating admission (what the field manager recorded, or what an
    /// apply computed); null for none. Until this is set the object keeps what its body sent.
    /// </summary>
    public void SetManagedFields(JsonNode? managedFields) =>
        Typed.Metadata.ManagedFields = managedFields is null ? null : JsonSerializer.SerializeToElement(managedFields, KubeJson.Options);

    /// <summary>Mutating admission begins: from here on <see cref="Typed"/> is no longer the defaulted object.</summary>
    internal void BeginMutating() => _mutating = true;

    private JsonObject Encode()
    {
        var meta = Typed.Metadata;
        var managedFields = meta.ManagedFields;
        meta.ManagedFields = null;
        try
        {
            var json = KubeJson.ToNode(Typed, _type.ClrType);
            json["apiVersion"] = _type.ApiVersion;
            json["kind"] = _type.Kind;
            return json;
        }
        finally
        {
            meta.ManagedFields = managedFields;
        }
    }
}
