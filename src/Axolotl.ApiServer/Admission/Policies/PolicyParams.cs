using System.Text.Json.Nodes;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Admission.Policies;

/// <summary>
/// The params a binding gives its policy (upstream's CollectParams): none when the policy has no paramKind or the binding
/// no paramRef (one evaluation with <c>params</c> null); the object named, or every object the selector matches (one
/// evaluation each), in paramRef.namespace or else the request's namespace for a namespaced kind. None found: no
/// evaluation under parameterNotFoundAction Allow, a configuration error under Deny. Read from the store when a request
/// needs them, so a param written a moment ago counts at once.
/// </summary>
public sealed class PolicyParams(ObjectStore objects, ResourceCatalog catalog)
{
    /// <summary>The resource of a paramKind; null when this server does not serve it.</summary>
    public ResourceType? Resolve(ParamKind kind)
    {
        var (group, version) = KnownResources.ParseApiVersion(kind.ApiVersion ?? "");
        return catalog.FindByKind(group, kind.Kind ?? "") is { } type && (type.Version == version || catalog.FindByPlural(group, version, type.Plural) is not null)
            ? type
            : null;
    }

    /// <summary>The params to evaluate with (a null entry: no params); throws <see cref="PolicyConfigurationException"/> for a binding that cannot be served.</summary>
    public async Task<IReadOnlyList<JsonObject?>> CollectAsync(ResourceType? kind, ParamRef? paramRef, string requestNamespace, CancellationToken ct)
    {
        if (kind is null || paramRef is null)
        {
            return [null];
        }
        string? ns = null;
        if (kind.Namespaced)
        {
            ns = paramRef.Namespace is { Length: > 0 } given ? given : requestNamespace;
            if (ns.Length == 0)
            {
                throw new PolicyConfigurationException("cannot use namespaced paramRef in policy binding that matches cluster-scoped resources");
            }
        }
        else if (paramRef.Namespace is { Length: > 0 })
        {
            throw new PolicyConfigurationException("paramRef.namespace must not be provided for a cluster-scoped `paramKind`");
        }
        List<JsonObject?> found;
        if (paramRef.Name is { Length: > 0 } name)
        {
            found = (await objects.GetAsync(kind, ns, name, ct))?.Object is { } one ? [one] : [];
        }
        else if (paramRef.Selector is { } selectorModel)
        {
            var selector = ParsedLabelSelector.FromModel(selectorModel);
            var list = await objects.ListAsync(kind, ns, 0, null, ct);
            found = [.. list.Items.Select(e => ObjectStore.Decode(e).Object)
                .Where(o => selector.Matches(Matching.RequestFacts.Labels(o)))];
        }
        else
        {
            throw new PolicyConfigurationException("one of name or selector must be provided");
        }
        if (found.Count == 0 && paramRef.ParameterNotFoundAction == "Deny")
        {
            throw new PolicyConfigurationException("no params found for policy binding with `Deny` parameterNotFoundAction");
        }
        return found;
    }
}

/// <summary>A policy or binding that cannot be applied to a request; its policy's failurePolicy decides what that means.</summary>
public sealed class PolicyConfigurationException(string message) : Exception(message);
