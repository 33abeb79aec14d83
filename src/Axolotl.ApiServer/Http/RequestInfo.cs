using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Http;

/// <summary>
/// What a resource URL addresses, parsed the way upstream's RequestInfoFactory does:
/// /api/v1/namespaces/{ns}/{resource}/{name}/{subresource} and /apis/{group}/{version}/….
/// </summary>
public sealed record RequestInfo(
    string Group,
    string Version,
    string Resource,
    string? Namespace,
    string? Name,
    string? Subresource)
{
    private static readonly HashSet<string> NamespaceSubresources = ["status", "finalize"];

    /// <summary>Parses the part after /api/v1 or /apis/g/v; null when it is not a resource path.</summary>
    public static RequestInfo? Parse(string group, string version, ReadOnlySpan<string> parts)
    {
        if (parts.Length == 0)
        {
            return null;
        }
        string? ns = null;
        if (parts[0] == "namespaces" && parts.Length > 1)
        {
            ns = parts[1];
            if (parts.Length > 2 && !NamespaceSubresources.Contains(parts[2]))
            {
                parts = parts[2..];
            }
            else
            {
                // The namespace object itself: namespaces/{name}[/status|finalize].
                return parts.Length > 3 ? null : new RequestInfo(group, version, "namespaces", null, parts[1], parts.Length == 3 ? parts[2] : null);
            }
        }
        return parts.Length switch
        {
            1 => new RequestInfo(group, version, parts[0], ns, null, null),
            2 => new RequestInfo(group, version, parts[0], ns, parts[1], null),
            3 => new RequestInfo(group, version, parts[0], ns, parts[1], parts[2]),
            _ => null,
        };
    }

    /// <summary>The resource the path names in <paramref name="catalog"/> (built-ins and Established CRDs), or among the built-ins.</summary>
    public ResourceType? ResolveType(ResourceCatalog? catalog = null) =>
        catalog is null ? KnownResources.FindByPlural(Group, Version, Resource) : catalog.FindByPlural(Group, Version, Resource);
}
