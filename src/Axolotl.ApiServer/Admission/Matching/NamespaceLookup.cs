using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Admission.Matching;

/// <summary>The request's namespace, read from the store at most once per request and only when a selector or a policy needs it.</summary>
public sealed class NamespaceLookup(ObjectStore objects, string name)
{
    private JsonObject? _namespace;
    private bool _read;

    /// <summary>The Namespace object; null for a cluster-scoped request or a namespace that does not exist.</summary>
    public async Task<JsonObject?> GetAsync(CancellationToken ct)
    {
        if (!_read)
        {
            _namespace = name.Length == 0 ? null : (await objects.GetAsync(KnownResources.Namespaces, null, name, ct))?.Object;
            _read = true;
        }
        return _namespace;
    }

    /// <summary>Its labels, empty when it does not exist (a selector then matches only what matches no labels).</summary>
    public async Task<IReadOnlyDictionary<string, string>?> LabelsAsync(CancellationToken ct) =>
        RequestFacts.Labels(await GetAsync(ct)) ?? new Dictionary<string, string>();
}
