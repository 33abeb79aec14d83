using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Upstream's NamespaceLifecycle admission (validating): no new content in a missing or terminating
/// namespace. The namespaces that may never be deleted are the delete handler's rule. The namespace is
/// read from the admission mirror (upstream's namespace lister) and, when the mirror does not hold it, from
/// the store (upstream's live lookup), so one created a moment ago through another server is found too.
/// </summary>
public sealed class NamespaceLifecycle(ObjectStore objects) : IValidatingAdmissionPlugin
{
    public string Name => "NamespaceLifecycle";

    public Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct) =>
        attributes.Operation == AdmissionOperation.Create && attributes.Subresource is null
            ? CheckCreateAsync(attributes.Type, attributes.Namespace, attributes.Name, ct)
            : Task.CompletedTask;

    public async Task CheckCreateAsync(ResourceType type, string? ns, string name, CancellationToken ct)
    {
        if (!type.Namespaced || ns is null)
        {
            return;
        }
        bool deleting;
        if (objects.Mirrors.For(KnownResources.Namespaces)?.Get(null, ns) is { Object: { } held })
        {
            deleting = held.Metadata.DeletionTimestamp is not null;
        }
        else
        {
            var stored = await objects.GetAsync(KnownResources.Namespaces, null, ns, ct)
                ?? throw ApiErrors.NotFound(KnownResources.Namespaces, ns);
            deleting = ObjectMetaRules.IsDeleting(stored.Object);
        }
        if (deleting)
        {
            throw ApiErrors.Forbidden(type, name,
                $"{type.QualifiedResource} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated");
        }
    }
}
