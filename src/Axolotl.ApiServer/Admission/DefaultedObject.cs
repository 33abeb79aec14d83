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
    private JsonNode? _managedFields;
    private bool _managedFieldsSet;
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
    /// Encoded on first use (a write whose managedFields come from an apply never needs it), before mutating admission.
    /// </summary>
    public JsonObject Json => _json ??= _mutating
        ? throw new InvalidOperationException("the defaulted object is gone once mutating admission began")
        : Encode();

    /// <summary>
    /// The managedFields the object carries into mutating admission (what the field manager recorded, or what an
    /// apply computed); null for none. Until this is set the object keeps what its body sent.
    /// </summary>
    public void SetManagedFields(JsonNode? managedFields)
    {
        _managedFields = managedFields;
        _managedFieldsSet = true;
    }

    /// <summary>Mutating admission begins: from here on <see cref="Typed"/> is no longer the defaulted object.</summary>
    internal void BeginMutating() => _mutating = true;

    /// <summary>Puts the managedFields that were set on <see cref="Typed"/>, where the plugins (a webhook) see them.</summary>
    internal void CarryManagedFields()
    {
        if (_managedFieldsSet)
        {
            Typed.Metadata.ManagedFields = _managedFields is null ? null : JsonSerializer.SerializeToElement(_managedFields, KubeJson.Options);
        }
    }

    /// <summary>
    /// The admitted JSON when no plugin had anything to change: the defaulted JSON already encoded, with the
    /// managedFields that were set. Null when that is not at hand (never encoded, or managedFields never set).
    /// </summary>
    internal JsonObject? Unchanged()
    {
        if (_json is null || !_managedFieldsSet)
        {
            return null;
        }
        if (_managedFields is not null)
        {
            ((JsonObject)_json["metadata"]!)["managedFields"] = _managedFields;
        }
        return _json;
    }

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
