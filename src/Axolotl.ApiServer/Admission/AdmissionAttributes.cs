using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// One request as every admission plugin sees it (upstream's admission.Attributes): what it does, to
/// which resource and subresource, in which namespace, by whom, and the object before and after.
/// Built by the REST handler; the chain fills in <see cref="Object"/> and <see cref="Name"/> as the
/// request goes through decoding and defaulting.
/// </summary>
public sealed class AdmissionAttributes(AdmissionOperation operation, ResourceType type, string? ns, string? subresource, Principal? user)
{
    private Dictionary<IAdmissionPlugin, object>? _state;

    public AdmissionOperation Operation { get; } = operation;

    public ResourceType Type { get; } = type;

    public string? Namespace { get; } = ns;

    /// <summary>The subresource written (status, approval, eviction…); null for the object itself.</summary>
    public string? Subresource { get; } = subresource;

    /// <summary>Who asked; null for writes the server makes itself.</summary>
    public Principal? User { get; } = user;

    /// <summary>The object's name; for a create it is known once metadata rules ran (generateName).</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// The object written: the request body during the mutating phase (mutating plugins change the typed
    /// object they are given), the admitted object (decoded, defaulted, mutated, validated) in the
    /// validating phase. Null for a delete.
    /// </summary>
    public JsonObject? Object { get; set; }

    /// <summary>The stored object the request acts on: the object before an update, the object going on a delete or eviction.</summary>
    public JsonObject? OldObject { get; init; }

    /// <summary>
    /// <see cref="OldObject"/> decoded into the typed model, as the chain decodes it for defaulting and validation;
    /// plugins that read the old object typed take it from here instead of decoding it again. Read only: it is the
    /// chain's own copy. Null until decoded, or when it does not decode.
    /// </summary>
    public KubeObject? DecodedOldObject { get; internal set; }

    /// <summary>dryRun=All: admit everything, change nothing (plugins with side effects skip them).</summary>
    public bool DryRun { get; init; }

    public FieldValidationMode FieldValidation { get; init; } = FieldValidationMode.Strict;

    /// <summary>Warnings for the response (Warning headers).</summary>
    public ICollection<string> Warnings { get; init; } = [];

    /// <summary>The object admission looks at: the one written, or for a delete the one going.</summary>
    public JsonObject? Subject => Object ?? OldObject;

    /// <summary>
    /// What <paramref name="plugin"/> read for this request in its mutating phase and needs again in its
    /// validating phase (LimitRanger's ranges), so one request reads it once.
    /// </summary>
    public async Task<T> StateAsync<T>(IAdmissionPlugin plugin, Func<Task<T>> load)
        where T : notnull
    {
        _state ??= [];
        if (_state.TryGetValue(plugin, out var cached))
        {
            return (T)cached;
        }
        var loaded = await load();
        _state[plugin] = loaded;
        return loaded;
    }
}
