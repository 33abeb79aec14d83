using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.Rest;

/// <summary>Upstream's NamespaceLifecycle admission: no new content in a missing or terminating namespace.</summary>
public sealed class NamespaceGuard(ObjectStore objects)
{
    public async Task CheckCreateAsync(ResourceType type, string? ns, string name, CancellationToken ct)
    {
        if (!type.Namespaced || ns is null)
        {
            return;
        }
        var stored = await objects.GetAsync(KnownResources.Namespaces, null, ns, ct)
            ?? throw ApiErrors.NotFound(KnownResources.Namespaces, ns);
        if (ObjectMetaRules.IsDeleting(stored.Object))
        {
            throw ApiErrors.Forbidden(type, name,
                $"{type.QualifiedResource} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated");
        }
    }
}
