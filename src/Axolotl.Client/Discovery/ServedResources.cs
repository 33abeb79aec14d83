using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;

namespace Axolotl.Client.Discovery;

/// <summary>
/// The resources a server serves, as a client learns them: the built-in <see cref="KnownResources"/> plus
/// the group-versions discovery lists that no built-in serves (CustomResourceDefinitions'). Controllers
/// that act on every resource (garbage collector, namespace controller) read this instead of the
/// built-in table, as upstream's read discovery. Custom resources are modelled as <see cref="Unstructured"/>.
/// </summary>
public sealed class ServedResources
{
    private readonly Dictionary<(string Group, string Version, string Kind), ResourceType> _byKind = [];

    public ServedResources(IReadOnlyList<ResourceType> all)
    {
        All = all;
        foreach (var r in all)
        {
            _byKind.TryAdd((r.Group, r.Version, r.Kind), r);
        }
    }

    /// <summary>The built-ins only: what a client knows without asking.</summary>
    public static ServedResources BuiltIn { get; } = new(KnownResources.All);

    public IReadOnlyList<ResourceType> All { get; }

    /// <summary>Those not built in.</summary>
    public IEnumerable<ResourceType> Custom => All.Where(r => r.ClrType == typeof(Unstructured));

    /// <summary>The resource of <paramref name="kind"/> at exactly <paramref name="apiVersion"/>, or null when not served.</summary>
    public ResourceType? Find(string apiVersion, string kind)
    {
        var (group, version) = KnownResources.ParseApiVersion(apiVersion);
        return _byKind.GetValueOrDefault((group, version, kind));
    }

    /// <summary>
    /// Asks the server: GET /apis, then the resource list of every group-version no built-in serves.
    /// Subresources ("widgets/status") are left out.
    /// </summary>
    public static async Task<ServedResources> DiscoverAsync(KubeClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var builtInGroupVersions = KnownResources.All.Select(r => r.ApiVersion).ToHashSet(StringComparer.Ordinal);
        var groups = await client.SendForNodeAsync(HttpMethod.Get, "/apis", null, ct);
        var all = new List<ResourceType>(KnownResources.All);
        foreach (var groupVersion in GroupVersions(groups).Where(gv => !builtInGroupVersions.Contains(gv)))
        {
            JsonNode? list;
            try
            {
                list = await client.SendForNodeAsync(HttpMethod.Get, "/apis/" + groupVersion, null, ct);
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                continue; // went away between the two reads
            }
            all.AddRange(Resources(groupVersion, list));
        }
        return new ServedResources(all);
    }

    private static IEnumerable<string> GroupVersions(JsonNode? groupList) =>
        (groupList?["groups"] as JsonArray ?? [])
            .SelectMany(g => g?["versions"] as JsonArray ?? [])
            .Select(v => v?["groupVersion"]?.GetValue<string>())
            .OfType<string>();

    private static IEnumerable<ResourceType> Resources(string groupVersion, JsonNode? resourceList)
    {
        var (group, version) = KnownResources.ParseApiVersion(groupVersion);
        foreach (var r in (resourceList?["resources"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var plural = r["name"]?.GetValue<string>() ?? "";
            var kind = r["kind"]?.GetValue<string>() ?? "";
            if (plural.Length == 0 || plural.Contains('/', StringComparison.Ordinal) || kind.Length == 0)
            {
                continue;
            }
            yield return new ResourceType
            {
                Group = group,
                Version = version,
                Kind = kind,
                Plural = plural,
                Namespaced = r["namespaced"]?.GetValue<bool>() ?? false,
                ClrType = typeof(Unstructured),
                SingularName = r["singularName"]?.GetValue<string>() is { Length: > 0 } singular ? singular : null,
                Verbs = (r["verbs"] as JsonArray ?? []).Select(v => v?.GetValue<string>()).OfType<string>().ToList(),
                StorageResource = $"{group}/{plural}",
            };
        }
    }
}
