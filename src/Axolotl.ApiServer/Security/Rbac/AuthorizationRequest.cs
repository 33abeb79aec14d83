namespace Axolotl.ApiServer.Security.Rbac;

/// <summary>
/// What an authorizer decides on, as upstream's authorizer.Attributes: who (the principal), the verb,
/// and either a resource (group, resource, subresource, namespace, name) or a non-resource path.
/// </summary>
public sealed record AuthorizationRequest(
    Principal User,
    string Verb,
    bool IsResourceRequest,
    string Group,
    string Resource,
    string? Subresource,
    string? Namespace,
    string? Name,
    string Path)
{
    public string Version { get; init; } = "";

    public static AuthorizationRequest ForResource(Principal user, string verb, string group, string resource, string? subresource, string? ns, string? name) =>
        new(user, verb, true, group, resource, string.IsNullOrEmpty(subresource) ? null : subresource, string.IsNullOrEmpty(ns) ? null : ns, string.IsNullOrEmpty(name) ? null : name, "");

    public static AuthorizationRequest ForPath(Principal user, string verb, string path) =>
        new(user, verb, false, "", "", null, null, null, path);

    /// <summary>"pods" or "pods/log", as messages and rules name it.</summary>
    public string ResourceWithSubresource => Subresource is null ? Resource : $"{Resource}/{Subresource}";
}
